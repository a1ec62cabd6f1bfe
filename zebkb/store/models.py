"""The database tables.

The exact JSON of every version lives in ``history`` (the truth a record is
read back from, byte for byte, so unknown fields and null-versus-missing
survive). ``record`` and the three kind tables are its typed projection for
lists, filters and sorting, written in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class RecordRow(SQLModel, table=True):
    __tablename__ = "record"

    uid: str = Field(primary_key=True)
    type: str = Field(index=True)
    origin: str
    created_at: str
    updated_at: str
    # updated_at as a UTC instant in fixed-width ISO form, so it sorts and compares as text.
    updated_utc: str = Field(index=True)
    revision: int
    deleted: bool = Field(default=False, index=True)
    title: str | None = None
    ward: str | None = Field(default=None, index=True)
    body: str | None = None
    record_date: str | None = Field(default=None, index=True)
    fiscal_year: int | None = Field(default=None, index=True)
    hash: str
    # Hash of the last version exchanged with another ward (bundle merge conflicts).
    agreed_hash: str | None = None


class CaseDetail(SQLModel, table=True):
    __tablename__ = "case_detail"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    facility_name: str | None = None
    facility_type: str | None = Field(default=None, index=True)
    building_use: str | None = None
    project_type: str | None = None
    zeb_rank: str | None = Field(default=None, index=True)
    rank_status: str | None = None
    certified_on: str | None = None
    floor_area_m2: float | None = None
    storeys_above: int | None = None
    storeys_below: int | None = None
    structure: str | None = None
    completed_on: str | None = None
    bei: float | None = None
    reduction_excl_renewables_pct: float | None = None
    reduction_incl_renewables_pct: float | None = None
    technologies_json: str = "[]"
    co2_reduction_t_per_year: float | None = None
    zeb_leading_owner: bool | None = None
    uses_unevaluated_technology: bool | None = None
    public: bool | None = None


class VisitDetail(SQLModel, table=True):
    __tablename__ = "visit_detail"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    visited_on: str | None = None
    host: str | None = None
    facility_case_uid: str | None = Field(default=None, index=True)
    participants_json: str = "[]"
    purpose: str | None = None
    direction: str | None = Field(default=None, index=True)  # schema 2


class SessionDetail(SQLModel, table=True):
    __tablename__ = "session_detail"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    held_on: str | None = None
    kind: str | None = Field(default=None, index=True)
    organizer: str | None = None
    venue: str | None = None
    attendees: int | None = None
    speakers_json: str = "[]"
    related_case_uids_json: str = "[]"


class IssueDetail(SQLModel, table=True):
    """A 課題 (schema 2): what the overview counts by category, ward and status."""

    __tablename__ = "issue_detail"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    fiscal_year: int | None = Field(default=None, index=True)
    category: str | None = Field(default=None, index=True)
    status: str | None = Field(default=None, index=True)
    related_json: str = "[]"


class OwnerDetail(SQLModel, table=True):
    """A ZEB Leading Owner registration (schema 2)."""

    __tablename__ = "owner_detail"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    registered_on: str | None = None
    cases_json: str = "[]"


class TagRow(SQLModel, table=True):
    __tablename__ = "tag"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class AttachmentRef(SQLModel, table=True):
    """A current record's reference to an attachment file."""

    __tablename__ = "attachment_ref"

    uid: str = Field(primary_key=True, foreign_key="record.uid", ondelete="CASCADE")
    position: int = Field(primary_key=True)
    sha256: str = Field(index=True)
    filename: str
    media_type: str
    size: int
    caption: str | None = None
    omitted: bool = False


class BlobRow(SQLModel, table=True):
    """An attachment file present in the data folder, stored once by its SHA-256."""

    __tablename__ = "blob"

    sha256: str = Field(primary_key=True)
    size: int
    stored_at: str
    # Text extracted for search (PDF, plain text, Markdown); None until extracted.
    text: str | None = None


class BlobChunk(SQLModel, table=True):
    """Team mode: an attachment file's bytes, in the shared database, stored once by SHA-256.

    In pieces of CHUNK bytes (zebkb/store/blobs.py), so neither side holds a
    whole file in memory. Every PC reads the files from here and keeps a copy
    in its data folder (``attachments/``, the same content-addressed layout as
    SQLite's). Empty on SQLite, where the data folder is the store.
    """

    __tablename__ = "blob_chunk"

    sha256: str = Field(primary_key=True)
    n: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    data: bytes = Field(sa_type=LargeBinary)


class TextFailureRow(SQLModel, table=True):
    """An attachment whose text could not be taken (over a limit, unreadable): why, and when.

    Its text is not cached, so it is not searched; ``reindex`` tries it again, other
    indexing does not (a file over the time limit would cost every save that long).
    """

    __tablename__ = "text_failure"

    sha256: str = Field(primary_key=True)
    reason: str
    failed_at: str


class HistoryRow(SQLModel, table=True):
    """Every version a record has had here, the current one included."""

    __tablename__ = "history"
    __table_args__ = (
        UniqueConstraint("uid", "hash"),
        Index("ix_history_uid_revision", "uid", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str
    revision: int
    updated_at: str
    hash: str
    record_json: str
    # create, edit, delete, restore, import, import-lost, demo, settle, undo-import
    source: str
    bundle_id: str | None = None
    saved_at: str


class ConflictRow(SQLModel, table=True):
    __tablename__ = "conflict"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(index=True)
    local_hash: str
    incoming_hash: str
    bundle_id: str | None = None
    detected_at: str
    settled_at: str | None = None
    settled_hash: str | None = None


class ImportLog(SQLModel, table=True):
    __tablename__ = "import_log"

    bundle_id: str = Field(primary_key=True)
    imported_at: str
    origin: str
    file_name: str
    summary_json: str
    undone_at: str | None = None


class ImportChange(SQLModel, table=True):
    """What one import changed, so it can be undone."""

    __tablename__ = "import_change"

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(foreign_key="import_log.bundle_id", index=True)
    uid: str
    before_hash: str | None = None
    after_hash: str


class PeerExport(SQLModel, table=True):
    """When this knowledge base last exported to a peer ward."""

    __tablename__ = "peer_export"

    peer: str = Field(primary_key=True)
    last_export_at: str
    last_bundle_id: str


class TrustedKey(SQLModel, table=True):
    """A ward's public signing key this knowledge base trusts; revoked rows stay as a record."""

    __tablename__ = "trusted_key"

    id: int | None = Field(default=None, primary_key=True)
    public_key: str = Field(index=True)  # base64 of the 32 raw Ed25519 bytes
    ward: str
    added_at: str
    note: str | None = None
    revoked_at: str | None = None


class ChangeRow(SQLModel, table=True):
    """One entry of the change log (schema 3): a record a committed transaction changed.

    ``seq`` is handed out by the counter ``meta.change_seq`` at commit time, in
    commit order (zebkb/store/changelog.py), so a search index that has applied
    every entry up to N has missed none below it. Each PC's index catches up
    from here.
    """

    __tablename__ = "change_log"

    seq: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    uid: str
    # save, create, edit, delete, restore, import, undo-import, settle, table-import, demo, upgrade
    kind: str
    changed_at: str


class Meta(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str
