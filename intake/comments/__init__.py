"""Public comments on draft standards: drafts, sheets, comments and the committee's decisions kept
in SQLite (`store`), and what the committee's desk and the public draft page show (`desk`).
May import extractors.comments, forms.register, intake.store and intake.reading; never a face."""
