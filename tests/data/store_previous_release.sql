-- a store made by the release before numbered migrations (main at ee61549), dumped with sqlite3 iterdump
BEGIN TRANSACTION;
CREATE TABLE "audit" (
   "id" INTEGER PRIMARY KEY,
   "case_id" INTEGER,
   "user" TEXT,
   "action" TEXT,
   "detail" TEXT,
   "created" TEXT
);
INSERT INTO "audit" VALUES(1,1,'申请人','open','“津质精品”产品质量等级评价','2026-12-06T11:59:32+00:00');
INSERT INTO "audit" VALUES(2,1,'wang','override','jinzhi.1.1 → met：已核','2026-12-06T11:59:32+00:00');
CREATE TABLE "case_chat" (
   "case_id" INTEGER PRIMARY KEY,
   "state" TEXT,
   "transcript" TEXT,
   "updated" TEXT
);
INSERT INTO "case_chat" VALUES(1,'{}','[{"role":"bot","text":"您好"}]','2026-12-01T00:00:00+00:00');
CREATE TABLE case_openings (id integer primary key, address text, at text);
INSERT INTO "case_openings" VALUES(1,'127.0.0.1','2026-12-06T11:59:32+00:00');
CREATE TABLE "cases" (
   "id" INTEGER PRIMARY KEY,
   "token" TEXT NOT NULL,
   "scheme" TEXT NOT NULL,
   "applicant" TEXT,
   "product" TEXT,
   "owner_id" INTEGER,
   "status" TEXT NOT NULL,
   "procedure_state" TEXT,
   "state_since" TEXT,
   "certificate_issued" TEXT,
   "facts" TEXT,
   "version" INTEGER,
   "created" TEXT,
   "submitted_at" TEXT,
   "updated" TEXT,
   "outcome_status" TEXT,
   "outcome_level" TEXT,
   "outcome" TEXT,
   "outcome_as_of" TEXT,
   "outcome_version" INTEGER
);
INSERT INTO "cases" VALUES(1,'-mCjlTd7KRjlpmKNNs3KUWr1yWVsPzkT','jinzhi','天津某某科技有限公司','智能水表',NULL,'draft','apply',NULL,NULL,'{}',3,'2026-12-06T11:59:32+00:00',NULL,'2026-12-06T11:59:32+00:00',NULL,NULL,NULL,NULL,NULL);
CREATE TABLE "comment_dispositions" (
   "id" INTEGER PRIMARY KEY,
   "item_id" INTEGER REFERENCES "comment_items"("id"),
   "decision" TEXT,
   "reason" TEXT,
   "by" TEXT,
   "at" TEXT
);
CREATE TABLE "comment_drafts" (
   "id" INTEGER PRIMARY KEY,
   "sha256" TEXT,
   "file" TEXT,
   "title" TEXT,
   "code" TEXT,
   "deadline" TEXT,
   "drafting_unit" TEXT,
   "handler" TEXT,
   "tree" TEXT,
   "created" TEXT
, "version" TEXT);
INSERT INTO "comment_drafts" VALUES(1,'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd','草案.docx','智能水表',NULL,'2026-12-31',NULL,NULL,'{}','2026-12-01T00:00:00+00:00',NULL);
CREATE TABLE "comment_items" (
   "id" INTEGER PRIMARY KEY,
   "sheet_id" INTEGER REFERENCES "comment_sheets"("id"),
   "draft_id" INTEGER REFERENCES "comment_drafts"("id"),
   "seq" INTEGER,
   "seq_raw" TEXT,
   "clause" TEXT,
   "clause_raw" TEXT,
   "clauses" TEXT,
   "comment" TEXT,
   "reason" TEXT,
   "original" TEXT,
   "suggestion" TEXT,
   "page" INTEGER,
   "valid" INTEGER,
   "nearest" TEXT,
   "proposer" TEXT,
   "comment_raw" TEXT,
   "reason_raw" TEXT,
   "original_raw" TEXT,
   "suggestion_raw" TEXT
);
CREATE TABLE "comment_sheets" (
   "id" INTEGER PRIMARY KEY,
   "draft_id" INTEGER REFERENCES "comment_drafts"("id"),
   "receipt" TEXT,
   "sha256" TEXT,
   "file" TEXT,
   "source" TEXT,
   "received" TEXT,
   "received_from" TEXT,
   "late" INTEGER,
   "version" INTEGER,
   "superseded_by" INTEGER,
   "submitter" TEXT,
   "submitter_key" TEXT,
   "submitter_kind" TEXT,
   "contact_person" TEXT,
   "contact" TEXT,
   "signed" INTEGER,
   "standard_title" TEXT,
   "sheet_date" TEXT,
   "error" TEXT,
   "warnings" TEXT,
   "created" TEXT
, "review" TEXT, "submitter_raw" TEXT);
CREATE TABLE "documents" (
   "id" INTEGER PRIMARY KEY,
   "case_id" INTEGER REFERENCES "cases"("id"),
   "sha256" TEXT,
   "file_name" TEXT,
   "size" INTEGER,
   "kind" TEXT,
   "state" TEXT,
   "error" TEXT,
   "facts" TEXT,
   "pages" INTEGER,
   "created" TEXT,
   "read_at" TEXT
);
INSERT INTO "documents" VALUES(1,1,'abababababababababababababababababababababababababababababababab','营业执照.pdf',1234,'business_license','queued',NULL,NULL,NULL,'2026-12-06T11:59:32+00:00',NULL);
CREATE TABLE "overrides" (
   "id" INTEGER PRIMARY KEY,
   "case_id" INTEGER REFERENCES "cases"("id"),
   "item_id" TEXT,
   "status" TEXT,
   "note" TEXT,
   "user" TEXT,
   "created" TEXT
);
INSERT INTO "overrides" VALUES(1,1,'jinzhi.1.1','met','已核','wang','2026-12-06T11:59:32+00:00');
CREATE TABLE sessions (id text primary key, user_id integer not null, created text, expires text not null, address text);
INSERT INTO "sessions" VALUES('88f3083bc18d2075c296e6252ad554cabe5344f3e33dabe8fb585c34c495f48a',1,'2026-12-06T11:59:32+00:00','2026-12-20T11:59:32+00:00','127.0.0.1');
CREATE TABLE "users" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "role" TEXT NOT NULL,
   "display" TEXT,
   "password_hash" TEXT NOT NULL,
   "created" TEXT,
   "disabled" INTEGER
);
INSERT INTO "users" VALUES(1,'wang','secretariat','王伟','$argon2id$v=19$m=65536,t=3,p=4$oDCKLU+r9yOG67IKpk3xPQ$X5+YlCjbXyDTcRRn/zC8kPJFe3rbj3Xsx7+///tjtKs','2026-12-06T11:59:32+00:00',NULL);
CREATE UNIQUE INDEX "idx_users_name"
    ON "users" ("name");
CREATE UNIQUE INDEX "idx_cases_token"
    ON "cases" ("token");
CREATE INDEX "idx_cases_status_scheme"
    ON "cases" ("status", "scheme");
CREATE INDEX "idx_cases_submitted_at_id_status"
    ON "cases" ("submitted_at", "id", "status");
CREATE INDEX "idx_cases_scheme_submitted_at"
    ON "cases" ("scheme", "submitted_at");
CREATE INDEX "idx_cases_outcome_status_submitted_at"
    ON "cases" ("outcome_status", "submitted_at");
CREATE INDEX "idx_documents_case_id"
    ON "documents" ("case_id");
CREATE INDEX "idx_documents_state"
    ON "documents" ("state");
CREATE INDEX "idx_overrides_case_id"
    ON "overrides" ("case_id");
CREATE INDEX "idx_audit_case_id"
    ON "audit" ("case_id");
CREATE INDEX idx_sessions_user_id on sessions (user_id);
CREATE INDEX idx_case_openings_address_at on case_openings (address, at);
CREATE INDEX "idx_comment_drafts_sha256"
    ON "comment_drafts" ("sha256");
CREATE UNIQUE INDEX "idx_comment_sheets_draft_id_sha256"
    ON "comment_sheets" ("draft_id", "sha256");
CREATE UNIQUE INDEX "idx_comment_sheets_receipt"
    ON "comment_sheets" ("receipt");
CREATE INDEX "idx_comment_items_sheet_id"
    ON "comment_items" ("sheet_id");
CREATE INDEX "idx_comment_items_draft_id"
    ON "comment_items" ("draft_id");
CREATE INDEX "idx_comment_dispositions_item_id"
    ON "comment_dispositions" ("item_id");
COMMIT;
