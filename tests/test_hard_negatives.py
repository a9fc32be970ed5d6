"""The shipped model on every hard-negative family, the known traps, and the sample rejection.

Each text here was written for this test (none comes from the training corpus), so the model
must get them right by what it learned, not by remembering them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import plain

from detector.classifier import Model, classify
from detector.compose import compose
from detector.config import Config
from detector.facts import extract
from detector.message import parse

NOT_REJECTIONS: dict[str, tuple[str, str]] = {
    "application received": (
        "We received your application",
        "Hi Jordan,\n\nThank you for applying for the Logistics Coordinator role at Pellham "
        "Freight. This note confirms that your application has arrived safely. Our recruiting "
        "team reviews every application and will contact you within two weeks if your "
        "experience matches what the team needs.\n\nThanks again for your interest,\n"
        "Pellham Freight Talent Team",
    ),
    "application received, high volume": (
        "Application confirmation - Staff Accountant",
        "Dear Applicant,\n\nThank you for your interest in the Staff Accountant position with "
        "Orrin County. We have received your application. Due to the volume of applications we "
        "are not able to respond to each candidate individually; shortlisted applicants will be "
        "contacted by 15 December.\n\nHuman Resources, Orrin County",
    ),
    "interview invitation": (
        "Interview invitation - UX Researcher",
        "Hello Priya,\n\nThanks for your patience while we reviewed applications. We enjoyed "
        "reading yours and would like to invite you to a 45-minute video interview with our "
        "research lead. Please pick a slot that suits you using the link below.\n\nBest,\n"
        "Tomas Reyes\nRecruiting, Quillmark",
    ),
    "interview scheduling": (
        "Your interview is confirmed",
        "Hi Sam,\n\nYour on-site interview for the Maintenance Planner role is confirmed for "
        "Thursday 4 December at 10:00. Please bring photo ID and ask for me at reception. "
        "Parking is free behind the main building.\n\nSee you then,\nAndrea Kowal",
    ),
    "interview rescheduled": (
        "Change to your interview time",
        "Dear Lena,\n\nUnfortunately the hiring manager has fallen ill, so we need to move your "
        "interview planned for Tuesday. We are very sorry for the inconvenience. Could you do "
        "Thursday at 14:00 or Friday at 09:30 instead? Your application is still very much in "
        "the running.\n\nKind regards,\nMarta Nowak\nTalent Acquisition",
    ),
    "we would like to move forward": (
        "Next steps",
        "Hi Alex,\n\nThanks for speaking with us last week. We'd like to move forward with your "
        "application and invite you to the final round: a two-hour session with the team on "
        "site. I'll send a few dates tomorrow.\n\nCheers,\nNina",
    ),
    "assessment": (
        "Online assessment for the Graduate Scheme",
        "Dear Candidate,\n\nThank you for your application to the Brackwell Graduate Scheme. "
        "The next stage is an online numerical and verbal reasoning assessment. Please complete "
        "it within five days using the link below; it takes about 40 minutes.\n\nGood luck!\n"
        "Brackwell Early Careers",
    ),
    "offer": (
        "Offer of employment",
        "Dear Omar,\n\nI am delighted to offer you the position of Site Engineer at Halden "
        "Construction, starting on 5 January. Your contract and the details of your salary are "
        "attached. Please let me know by Friday whether you accept.\n\nWarm regards,\n"
        "Ruth Alder\nHR Manager",
    ),
    "reference check": (
        "Reference request for Jamie Clarke",
        "Dear Ms Patel,\n\nJamie Clarke has applied for the role of Teaching Assistant at "
        "Ferndale Primary School and named you as a referee. We would be grateful if you could "
        "complete the attached reference form by next Wednesday.\n\nYours sincerely,\n"
        "School Business Manager",
    ),
    "recruiter outreach": (
        "Senior Java role in Leeds",
        "Hi Chris,\n\nI came across your profile and think you'd be a strong fit for a Senior "
        "Java Developer role with one of my clients, a fintech in Leeds. Hybrid, up to 85k. "
        "Would you be open to a quick call this week?\n\nThanks,\nDaniel at Northgate Talent",
    ),
    "job alert": (
        "12 new jobs for 'data analyst' near Bristol",
        "New jobs matching your alert:\n\nData Analyst - Avonmouth Logistics - Bristol\n"
        "Junior Data Analyst - Clifton Health - Bristol (Hybrid)\nBI Analyst - Severn Water - "
        "Remote\n\nSee all jobs\nYou are receiving this because you created a job alert.",
    ),
    "candidate follow-up": (
        "Following up on my application",
        "Dear Ms Grant,\n\nI applied for the Events Coordinator position three weeks ago and "
        "wanted to ask whether there is any news on the timeline. I remain very interested in "
        "the role and would be happy to send anything else you need.\n\nBest regards,\n"
        "Hannah Lee",
    ),
    "candidate withdrawal": (
        "Withdrawing my application",
        "Dear Mr Byrne,\n\nThank you for the interview last week. I regret to inform you that I "
        "have accepted another offer and would like to withdraw my application for the Analyst "
        "role. I enjoyed meeting the team and wish you all the best with the search.\n\n"
        "Kind regards,\nRavi Shah",
    ),
    "declined payment": (
        "Your payment was declined",
        "Hi Alex,\n\nWe were unable to process your payment for your Streamline subscription: "
        "your bank declined the card ending in 4421. Please update your payment details to "
        "keep your account active.\n\nThe Streamline team",
    ),
    "declined meeting": (
        "Declined: Coffee chat about product roles",
        "Maya Chen has declined this invitation.\n\nCoffee chat about product roles\n"
        "Thursday 11 December, 15:00 - 15:30\n\nNote from Maya: Sorry, I'm travelling that "
        "week. Could we try in January?",
    ),
    "rejected paper": (
        "Decision on your submission #112",
        "Dear authors,\n\nWe regret to inform you that your paper 'Sparse Attention for Tiny "
        "Devices' was not accepted to the workshop. We received many strong submissions this "
        "year. The reviews are included below and we hope they are useful.\n\n"
        "The programme committee",
    ),
    "closed pull request": (
        "Re: [tidepool/tidepool] Add retry to the sync client (PR #318)",
        "Closed #318.\n\nThanks for the contribution! We've decided not to merge this: retries "
        "belong in the transport layer, which is being rewritten in #290. Happy to review a "
        "version against the new layer.\n\nReply to this email directly or view it on the web.",
    ),
    "declined rental application": (
        "Your application for 14 Elm Road",
        "Dear Alex,\n\nThank you for applying to rent the flat at 14 Elm Road. Unfortunately "
        "the landlord has decided to go ahead with another applicant. We will let you know "
        "when similar properties come on the market.\n\nBest wishes,\nHarbour Lettings",
    ),
    "newsletter": (
        "This week: five soups for November",
        "Roasted squash with sage, a quick miso broth and three more bowls that keep well for "
        "the week. Plus: the knife we use every day.\n\nRead more on our site.\n"
        "Unsubscribe from this newsletter.",
    ),
    "receipt": (
        "Your receipt from Cornerstone Books",
        "Thanks for your order!\n\nOrder 55120\n1 x The Quiet Shore - 12.99\nShipping - 2.50\n"
        "Total - 15.49\n\nWe'll email you when it ships.",
    ),
    "personal": (
        "Saturday?",
        "Hey Alex,\n\nStill on for climbing on Saturday? I can pick you up at ten. How's the job "
        "hunt going, any news?\n\nSam",
    ),
    "password reset": (
        "Reset your password",
        "Hi,\n\nWe received a request to reset the password for your careers account. Click "
        "the link below to choose a new one. If you didn't ask for this, you can ignore this "
        "email.\n\nThe Careers Portal team",
    ),
    "german application received": (
        "Eingangsbestätigung Ihrer Bewerbung",
        "Sehr geehrte Frau Berger,\n\nvielen Dank für Ihre Bewerbung als Sachbearbeiterin "
        "Einkauf und Ihr Interesse an unserem Unternehmen. Ihre Unterlagen sind vollständig bei "
        "uns eingegangen. Wir prüfen sie sorgfältig und melden uns innerhalb von drei Wochen bei "
        "Ihnen.\n\nMit freundlichen Grüßen\nIhr Personalteam der Brenner Logistik GmbH",
    ),
    "french interview invitation": (
        "Convocation à un entretien",
        "Bonjour Camille,\n\nNous avons le plaisir de vous inviter à un entretien pour le poste "
        "d'assistante marketing, le mardi 9 décembre à 10 h dans nos locaux de Lyon. Merci de "
        "nous confirmer votre présence.\n\nCordialement,\nÉquipe recrutement",
    ),
}

REJECTIONS: dict[str, tuple[str, str]] = {
    "ats after application": (
        "Your application to Pellham Freight",
        "Hi Jordan,\n\nThank you for your interest in the Logistics Coordinator role. After "
        "reviewing your application, we have decided to move forward with other candidates "
        "whose experience more closely matches our needs.\n\nPellham Freight Talent Team",
    ),
    "after interview, named recruiter": (
        "Maintenance Planner",
        "Sam,\n\nThank you for interviewing with us last Thursday. After careful consideration "
        "we have decided to offer the role to another candidate. I'm sorry it isn't better news, "
        "and I wish you every success.\n\nAndrea Kowal\nPlant HR",
    ),
    "position filled": (
        "Update on the Barista vacancy",
        "Hi Leo, thanks for dropping off your CV. The position has now been filled, but we'll "
        "keep your details on file in case anything opens up in spring.\n\nMo",
    ),
    "german": (
        "Ihre Bewerbung",
        "Sehr geehrter Herr Weber,\n\nvielen Dank für Ihre Bewerbung und das freundliche "
        "Gespräch. Leider müssen wir Ihnen mitteilen, dass wir uns für eine andere Kandidatin "
        "entschieden haben.\n\nMit freundlichen Grüßen\nJana Köhler",
    ),
    "french": (
        "Votre candidature",
        "Madame,\n\nNous vous remercions de l'intérêt que vous portez à notre entreprise. Après "
        "étude attentive, nous sommes au regret de vous informer que votre candidature n'a pas "
        "été retenue.\n\nCordialement,\nLe service recrutement",
    ),
}


@pytest.mark.parametrize(("subject", "text"), NOT_REJECTIONS.values(), ids=NOT_REJECTIONS.keys())
def test_hard_negatives_are_not_rejections(shipped_model: Model, subject: str, text: str) -> None:
    verdict = classify(shipped_model, parse(plain(text, subject=subject)))
    assert not verdict.is_rejection, verdict


@pytest.mark.parametrize(("subject", "text"), REJECTIONS.values(), ids=REJECTIONS.keys())
def test_rejections_are_rejections(shipped_model: Model, subject: str, text: str) -> None:
    verdict = classify(shipped_model, parse(plain(text, subject=subject)))
    assert verdict.is_rejection, verdict


def test_the_sample_rejection_is_drafted_graciously(shipped_model: Model) -> None:
    raw = next(
        (Path(__file__).parents[1] / "detector" / "sample").rglob("*.rejection.eml")
    ).read_bytes()
    message = parse(raw)
    assert classify(shipped_model, message).is_rejection
    facts = extract(message)
    assert (facts.company, facts.position) == ("Brightwell Analytics", "Junior Data Analyst")
    from datetime import UTC, datetime  # noqa: PLC0415

    body = compose(message, facts, Config(), now=datetime(2026, 11, 20, tzinfo=UTC)).get_content()
    assert "Thank you" in body  # thanks them
    assert "interview" in body  # they interviewed, so the interview is thanked for
    assert "what would have made the difference" in body  # asks for feedback
    assert "still welcome the chance to join Brightwell Analytics" in body  # door open
