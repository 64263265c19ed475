"""Provenance shared by every assessment record: how, with what, by whom, when, on what
evidence (DESIGN.md §4), as table columns and as API fields."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import Date, String, Uuid
from sqlmodel import Field, SQLModel

from competenze.assessments.evidence import Method
from competenze.common.fields import Label, Name, Note, PastDate
from competenze.common.time import today
from competenze.common.types import UTCDateTime


class RecordColumns(SQLModel):
    """Who recorded a participant's record, for which organisation, and when."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    participant_id: uuid.UUID = Field(sa_type=Uuid, foreign_key="participant.id", nullable=False, index=True)
    organisation_id: uuid.UUID = Field(sa_type=Uuid, foreign_key="organisation.id", nullable=False)
    recorded_by: uuid.UUID = Field(sa_type=Uuid, nullable=False)
    recorded_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # Set when the record came from completing a plan step (provenance "from plan step").
    source_step_id: uuid.UUID | None = Field(default=None, sa_type=Uuid)


class ProvenanceColumns(RecordColumns):
    method: str = Field(sa_type=String(30), nullable=False)
    instrument: str | None = Field(default=None, sa_type=String(200))
    assessor_name: str | None = Field(default=None, sa_type=String(100))
    assessed_on: date = Field(sa_type=Date, nullable=False)
    evidence_note: str | None = Field(default=None, sa_type=String(2000))
    # A correction names the assessment it replaces; the replaced one stays in the history
    # but no longer counts (assessments themselves are never changed).
    supersedes_id: uuid.UUID | None = Field(default=None, sa_type=Uuid)


class ProvenanceIn(BaseModel):
    """How an assessment was made. Evidence names itself: a placement test its instrument, a
    certificate its exam (languages: certificate.exam; anything else: instrument), so that a
    reader can weigh it; a counsellor's observation names its assessor (by default the
    counsellor who records it, see assessments/records.py)."""

    method: Method
    instrument: Label | None = PydanticField(
        default=None, description="Test, questionnaire or exam used, e.g. 'Test di piazzamento CPIA'"
    )
    assessor_name: Name | None = PydanticField(
        default=None, description="An assessor outside the service (examiner, teacher); you by default"
    )
    assessed_on: PastDate = PydanticField(default_factory=today, description="When it was assessed (not in the future)")
    evidence_note: Note | None = None
    supersedes_id: uuid.UUID | None = PydanticField(
        default=None, description="An earlier assessment this one corrects; it will no longer count"
    )

    @model_validator(mode="after")
    def _evidence_names_itself(self):
        if self.method == Method.placement_test and not self.instrument:
            raise ValueError("instrument: name the test used, e.g. 'Test di piazzamento CPIA'")
        if self.method == Method.certificate and not self.instrument and getattr(self, "certificate", None) is None:
            raise ValueError("instrument: name the certificate, e.g. 'Attestato ECDL/ICDL Base'")
        return self


class RecordOut(BaseModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    organisation_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime
    source_step_id: uuid.UUID | None = PydanticField(
        default=None, description="The plan step this record came from, if any"
    )


class ProvenanceOut(RecordOut):
    method: Method
    instrument: str | None
    assessor_name: str | None
    assessed_on: date
    evidence_note: str | None
    supersedes_id: uuid.UUID | None
