CREATE TABLE "job_work" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_work_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" bigint NOT NULL,
	"persona" text,
	"account" text,
	"status" text NOT NULL,
	"worker_id" text,
	"lease_until" timestamp with time zone,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"counts" jsonb,
	"summary" text,
	"error" text,
	CONSTRAINT "job_work_status_check" CHECK ("job_work"."status" in ('pending', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "worker_pause" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"reason" text,
	"paused_at" timestamp with time zone NOT NULL,
	"paused_by" text NOT NULL,
	CONSTRAINT "worker_pause_one_row" CHECK ("worker_pause"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "job_runs" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_work" ADD CONSTRAINT "job_work_run_id_job_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."job_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "job_work_once" ON "job_work" USING btree ("run_id",coalesce("persona", ''),coalesce("account", ''));--> statement-breakpoint
CREATE INDEX "job_work_claim_idx" ON "job_work" USING btree ("status","lease_until");