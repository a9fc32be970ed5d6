"""Mail for the teaching tests: university admission decisions, one text per sender.

For a job seeker these are not job-application rejections and want no draft, but their wording
is close enough that the shipped model takes some for one. A user who moves a handful into the
not-rejection training folder should teach it otherwise. Written for these tests.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime


def mail(item: tuple[str, str, str, str], *, day: int = 0) -> bytes:
    """One of the items above as an RFC 5322 message to the test user."""
    name, address, subject, body = item
    msg = EmailMessage()
    msg["From"] = f"{name} <{address}>"
    msg["To"] = "Alex Doe <alex@example.com>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=day))
    digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:16]
    msg["Message-ID"] = f"<{digest}@{address.rpartition('@')[2]}>"
    msg.set_content(f"Halo Alex,\n\n{body}\n\nSalam,\n{name}\n")
    return msg.as_bytes()


# University admission decisions: not job applications, so a job seeker wants no draft for them,
# but the shipped model reads their wording as a rejection.
ADMISSIONS = [
    (
        "Graduate Admissions Office",
        "admissions@northbridge-university.ac.uk",
        "Your application to the MSc Data Science programme",
        "Thank you for applying to the MSc Data Science programme for the 2027 intake. The "
        "admissions committee received many strong applications this year, and we regret that "
        "we are unable to offer you a place on the programme.",
    ),
    (
        "Office of Graduate Studies",
        "gradstudies@lakeshore-institute.edu",
        "Admission decision: PhD in Chemistry",
        "After careful review by the departmental committee, we are sorry to inform you that "
        "your application for admission to the doctoral program in Chemistry for Fall 2027 has "
        "not been successful.",
    ),
    (
        "Admissions Team",
        "admissions@westmoor-business-school.org",
        "MBA application outcome",
        "We appreciate the time you invested in your MBA application and interview. Unfortunately "
        "the admissions board has decided not to extend an offer of admission for the "
        "January cohort.",
    ),
    (
        "Postgraduate Admissions",
        "pg-admissions@kingsford-college.ac.uk",
        "Decision on your application (MA History of Art)",
        "Your application to study MA History of Art has now been considered by the academic "
        "selectors. I am afraid that on this occasion we cannot offer you a place. Places on "
        "this course are limited and competition was strong.",
    ),
    (
        "School of Engineering Admissions",
        "engadmit@pinecrest-tech.edu",
        "Master of Engineering admission decision",
        "The graduate admissions committee has completed its review. We regret to tell you "
        "that we cannot admit you to the Master of Engineering program this year. You are "
        "welcome to apply again in a future admission cycle.",
    ),
    (
        "Admissions Office, Faculty of Law",
        "lawadmissions@harbourview-university.ca",
        "LLM application status",
        "Thank you for your interest in our LLM program. Following a thorough evaluation of "
        "your file, the Faculty is unable to grant you admission for the upcoming academic year.",
    ),
    (
        "Summer School Selection Committee",
        "summerschool@alpine-research-academy.ch",
        "Summer School 2027: selection result",
        "We received over 600 applications for 40 places at the Summer School in Computational "
        "Biology. We are sorry that your application was not selected this year.",
    ),
    (
        "Graduate Program Coordinator",
        "coordinator@riverside-public-health.edu",
        "MPH admission",
        "On behalf of the admissions committee, thank you for applying to the Master of Public "
        "Health. After reviewing your materials, we are not able to offer admission to the "
        "program at this time.",
    ),
    (
        "Doctoral School",
        "doctoral.school@eastfield-university.eu",
        "Outcome of the doctoral scholarship competition",
        "The selection panel has ranked all candidates for the funded doctoral positions in "
        "Linguistics. We regret to inform you that your proposal was not among those admitted "
        "to the doctoral school.",
    ),
    (
        "Fellowship Admissions",
        "fellowships@global-leaders-programme.org",
        "Global Leaders Fellowship: your application",
        "Thank you for applying to the Global Leaders Fellowship. The selection committee has "
        "completed its deliberations and, unfortunately, we are unable to offer you a place in "
        "this year's fellowship class.",
    ),
]

ADMISSION_TARGET = (
    "Admissions Service",
    "admissions@southgate-university.ac.uk",
    "Your application for MSc Environmental Policy",
    "Thank you for your application for the MSc Environmental Policy starting in September. "
    "The programme admissions tutor has reviewed it carefully, and we regret that we are not "
    "able to offer you a place on the programme this year.",
)
