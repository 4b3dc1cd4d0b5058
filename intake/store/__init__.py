"""Storage: the SQLite database (`db.open_db`, one place for its settings), the content-addressed
blob store of originals (`blobs.BlobStore`), and staff/applicant accounts (`accounts`).
The schema, every table and migration, is one module (`schema`), applied when a store is opened.
Imports only intake.config, intake.errors and intake.clock: every other room builds on it."""
