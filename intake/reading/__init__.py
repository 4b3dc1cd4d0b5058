"""Reading files into facts: `pipeline` reads files in time-limited worker processes (`worker`),
`readers.DocumentReader` is the background queue of uploaded documents, `broker` the same on other
machines (Dramatiq over Redis: jobs out, facts back, recorded once), `uploads` accepts an
uploaded file into a case. May import extractors, intake.store, intake.config and intake.cases
(to record a document's state); nothing here imports a face."""
