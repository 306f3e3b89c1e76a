ALTER TABLE "actions" ADD COLUMN "reconcile_attempts" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "lease_until" timestamp with time zone;