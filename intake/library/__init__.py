"""The company's document store (证照库): an applicant's documents kept once — by content, read once,
with what was read, their validity and the cases that use them (`store`); every scheme compared on
them and a case for any scheme started from them without uploading again (`cases`); the documents
expiring within 90 days or expired, with the schemes and open cases they affect (`watch`).
May import checklists, extractors, intake.store, intake.reading, intake.cases and intake.comparison;
never a face."""
