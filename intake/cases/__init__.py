"""An applicant's case: records, documents, overrides and the audit log, and who may see or change
them (`case`); the scheme's procedure states (`procedures`, data in `data/`); the credit scoring
worksheet; the case's pre-check report with the secretariat's overrides (`report`); downloads
(`exports`); the assistant attached to a case (`chat`). May import checklists, forms, extractors,
intake.store, intake.precheck and intake.assistant; never a face."""
