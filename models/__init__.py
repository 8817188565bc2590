"""Tortoise ORM models of Linli (and their migrations in ``models.migrations``); no GraphQL here."""

from models.area import Area
from models.need import Match, Need
from models.organization import Organization
from models.professional import Certification, Membership, Professional
from models.project import Enrollment, Project, ProjectClaim, ProjectSession
from models.resident import ConsentRecord, Guardianship, Household, Resident

__all__ = [
    "Area",
    "Certification",
    "ConsentRecord",
    "Enrollment",
    "Guardianship",
    "Household",
    "Match",
    "Membership",
    "Need",
    "Organization",
    "Professional",
    "Project",
    "ProjectClaim",
    "ProjectSession",
    "Resident",
]
