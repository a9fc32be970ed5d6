"""Finding the human: who to thank when a rejection comes from a machine.

Rejections mostly arrive from applicant-tracking relays (no-reply@ at Greenhouse, Workday, ...),
so answering the sender reaches nobody. gracious remembers the people who wrote about an
application (recruiters inviting to interviews, scheduling, acknowledging) and, for a relay
rejection, addresses the draft to the person who wrote earlier in the same thread, else about the
same application, else from the same company, in that order. Pure functions over plain data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from detector.employer import company_key
from detector.facts import Facts
from detector.message import Message
from detector.relay import NOT_MONITORED, ROLE_MAILBOX, is_relay
from detector.stage import Stage

__all__ = [
    "RULES",
    "Contact",
    "ContactIndex",
    "Recipient",
    "choose_recipient",
    "contact_of",
    "had_interview",
    "org_domain",
    "thread_ids",
]

# How the recipient was chosen, in the words the review uses.
RULES = {
    "sender": "the sender",
    "thread": "wrote earlier in this thread",
    "application": "wrote earlier about this application",
    "company": "wrote earlier from this company",
    "role": "the company's recruiting address in the mail",
    "none": "nobody found",
}


@dataclass(frozen=True)
class Contact:
    """A person who wrote about an application, as the journal remembers them."""

    key: str
    email: str
    name: str | None
    company: str | None  # company_key() of the employer the mail was about
    domain: str | None  # the sender's organisation domain
    stage: str
    position: str | None
    thread: tuple[str, ...]
    seen: str  # the mail's date, ISO


@dataclass(frozen=True)
class Recipient:
    """Who the draft goes to (None: nobody found) and by which rule."""

    email: str | None
    name: str | None
    rule: str


def thread_ids(message: Message) -> tuple[str, ...]:
    """The Message-IDs that tie ``message`` to a thread: its own, In-Reply-To, References."""
    ids = [message.message_id, message.in_reply_to, *message.references]
    return tuple(dict.fromkeys(i for i in ids if i))


def org_domain(email: str) -> str | None:
    """``jane@mail.northwind-labs.co.uk`` -> ``northwind-labs.co.uk``."""
    labels = email.rpartition("@")[2].lower().split(".")
    if len(labels) < 2:
        return None
    # co.uk, com.au, ac.jp...: a second-level public suffix under a country code.
    suffix = len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL
    return ".".join(labels[-3:] if suffix else labels[-2:])


# Mail providers anyone has an address at: a domain here says nothing about an employer.
FREEMAIL = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com "
    "icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.de gmx.net gmx.com web.de "
    "t-online.de freenet.de orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it "
    "virgilio.it hotmail.fr hotmail.de hotmail.it hotmail.es yahoo.fr yahoo.de yahoo.es "
    "yahoo.co.uk btinternet.com sky.com virginmedia.com comcast.net verizon.net att.net "
    "zoho.com yandex.ru mail.ru qq.com 163.com naver.com seznam.cz wp.pl o2.pl interia.pl "
    "telenet.be skynet.be ziggo.nl kpnmail.nl xs4all.nl bluewin.ch terra.com.br uol.com.br "
    "bol.com.br".split()
)

_SECOND_LEVEL = frozenset("co com ac org net gov edu ltd plc or ne go nhs sch gob".split())


def _person(message: Message, own: Collection[str]) -> bool:
    sender = message.sender
    if sender is None or is_relay(sender) or sender.email.lower() in own:
        return False
    if NOT_MONITORED.search(message.body[:20_000]):
        return False  # "this mailbox is not monitored": a relay, whatever the address looks like
    return not ROLE_MAILBOX.match(sender.email.split("@")[0])


def contact_of(
    message: Message, facts: Facts, stage: str, *, own: Collection[str] = ()
) -> Contact | None:
    """The person who wrote ``message`` about an application.

    None for relays, role mailboxes, the user (``own``) and mail that is not about an
    application (a friend's, a newsletter): a draft must never go to them.
    """
    if stage == Stage.OTHER or not _person(message, {o.lower() for o in own}):
        return None
    sender = message.sender
    assert sender is not None  # noqa: S101 - _person checked it
    name = sender.name or facts.contact_name
    return Contact(
        key=message.key,
        email=sender.email,
        name=name or None,
        company=company_key(facts.company) if facts.company else None,
        domain=org_domain(sender.email),
        stage=stage,
        position=facts.position,
        thread=thread_ids(message),
        seen=message.date.isoformat() if message.date else "",
    )


def _folded(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _same_company(company: str | None, contact: Contact) -> bool:
    if not company:
        return False
    key = company_key(company)
    if contact.company and (contact.company == key):
        return True
    if contact.domain and contact.domain not in FREEMAIL:
        name = _folded(contact.domain.split(".")[0])
        folded = _folded(key)
        if len(folded) < 4:
            return False
        # "Northwind Labs" at northwind-labs.com; but a contact whose own mail named another
        # company (Metabase at metabase.com) is not Meta's, whatever the domain begins with.
        return name == folded or (not contact.company and name.startswith(folded))
    return False


def _same_position(position: str | None, contact: Contact) -> bool:
    if not position or not contact.position:
        return False
    a, b = _folded(position), _folded(contact.position)
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def _moment(stamp: str) -> datetime:
    """A contact's date as an aware datetime (dates are written with their own offsets)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _latest(contacts: Iterable[Contact]) -> Contact | None:
    ordered = sorted(contacts, key=lambda c: (c.stage == Stage.INTERVIEW, _moment(c.seen)))
    return ordered[-1] if ordered else None


class ContactIndex:
    """Contacts indexed by thread id, company key and domain name, for quick lookups.

    A pass keeps one in memory and adds each new contact to it, instead of reading every
    contact from the journal for every rejection.
    """

    def __init__(self, contacts: Iterable[Contact] = ()) -> None:
        self._by_thread: dict[str, list[Contact]] = defaultdict(list)
        self._by_company: dict[str, list[Contact]] = defaultdict(list)
        self._by_domain: dict[str, list[Contact]] = defaultdict(list)
        for contact in contacts:
            self.add(contact)

    def add(self, contact: Contact) -> None:
        """Index one more contact."""
        for message_id in contact.thread:
            self._by_thread[message_id].append(contact)
        if contact.company:
            self._by_company[contact.company].append(contact)
        if contact.domain and contact.domain not in FREEMAIL:
            self._by_domain[_folded(contact.domain.split(".")[0])].append(contact)

    def candidates(self, message: Message, facts: Facts) -> list[Contact]:
        """Every contact in ``message``'s thread or possibly of its company (a superset)."""
        found: dict[str, Contact] = {}
        for message_id in thread_ids(message):
            found.update((c.key, c) for c in self._by_thread.get(message_id, ()))
        if facts.company:
            key = company_key(facts.company)
            found.update((c.key, c) for c in self._by_company.get(key, ()))
            folded = _folded(key)
            if len(folded) >= 4:
                for label, contacts in self._by_domain.items():
                    if label.startswith(folded):
                        found.update((c.key, c) for c in contacts)
        found.pop(message.key, None)
        return list(found.values())


def _pool(
    message: Message, facts: Facts, contacts: Sequence[Contact] | ContactIndex
) -> list[Contact]:
    if isinstance(contacts, ContactIndex):
        return contacts.candidates(message, facts)
    return [c for c in contacts if c.key != message.key]


def choose_recipient(
    message: Message,
    facts: Facts,
    contacts: Sequence[Contact] | ContactIndex,
    *,
    own: Collection[str] = (),
) -> Recipient:
    """The person to thank for a rejection, and the rule that chose them.

    A human reply address in the mail wins. Otherwise (a relay or a role mailbox) the person who
    wrote earlier in the same thread, about the same application, or from the same company;
    among several, the one who invited to an interview, then the most recent. A role mailbox
    (careers@) found in the mail is the fallback; never a no-reply address.
    """
    address = facts.reply_to
    if address is not None and address.lower() in {o.lower() for o in own}:
        address = None  # "this email was sent to you@...": never a draft to oneself
    role = address is not None and bool(ROLE_MAILBOX.match(address.split("@")[0]))
    if address and not role:
        return Recipient(address, facts.contact_name, "sender")
    earlier = _pool(message, facts, contacts)
    ids = set(thread_ids(message))

    def in_thread(c: Contact) -> bool:
        return bool(ids & set(c.thread))

    def same_application(c: Contact) -> bool:
        return _same_company(facts.company, c) and _same_position(facts.position, c)

    def same_company(c: Contact) -> bool:
        return _same_company(facts.company, c)

    rules: tuple[tuple[str, Callable[[Contact], bool]], ...] = (
        ("thread", in_thread),
        ("application", same_application),
        ("company", same_company),
    )
    for rule, matches in rules:
        person = _latest(c for c in earlier if matches(c))
        if person is not None:
            return Recipient(person.email, person.name, rule)
    if address:
        return Recipient(address, facts.contact_name, "role")
    return Recipient(None, None, "none")


def had_interview(
    message: Message, facts: Facts, contacts: Sequence[Contact] | ContactIndex
) -> bool:
    """Whether earlier mail about this application (thread or company) was about an interview."""
    ids = set(thread_ids(message))
    return any(
        c.stage == Stage.INTERVIEW
        and (
            bool(ids & set(c.thread))
            or (_same_company(facts.company, c) and _same_position(facts.position, c))
        )
        for c in _pool(message, facts, contacts)
    )
