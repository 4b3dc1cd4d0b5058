"""The application: what the service does, independent of how it is asked.

Rooms (each sub-package says what it owns and what it may import):

    intake.store      the SQLite database, the content-addressed file store, accounts
    intake.reading    files → facts: time-limited workers, the reading queue, accepting uploads
    intake.cases      an applicant's case: records and access, procedure, worksheet, report, exports, chat
    intake.comments   comments on draft standards: storage and the committee's desk
    intake.assistant  the chat assistant: rule questions and the interview
    intake.demo       demo accounts and data for a fresh service
    intake.precheck   the one pre-check sequence (documents + declared facts + date → verdicts)
    intake.comparison every scheme at once: documents read once, the pre-check per scheme, summarised
    intake.library    the company's document store (证照库): documents kept once, cases started from them,
                      the validity watch, the facts about the company stated once
    intake.errors     the errors every face maps to its own answers
    intake.config     settings and limits
    intake.clock      the one clock (`now()`)

The application imports extractors, checklists and forms; it never imports a face (`web`, `cli`).
Which room may import which is tests/test_layout.py's ROOMS.
"""
