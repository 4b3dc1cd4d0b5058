"""Storage: the SQLite database (`db.open_db`, one place for its settings), the content-addressed
blob store of originals (`blobs.BlobStore`), and staff/applicant accounts (`accounts`).
Imports only intake.config and intake.errors: every other room builds on it."""
