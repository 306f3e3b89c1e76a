ALTER TABLE "lead_events" ADD COLUMN "kind" text DEFAULT 'decision' NOT NULL;--> statement-breakpoint
ALTER TABLE "lead_events" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "lead_events" ADD COLUMN "snoozed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lead_events" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "lead_events" ADD COLUMN "undoes" bigint;--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_undoes_lead_events_id_fk" FOREIGN KEY ("undoes") REFERENCES "public"."lead_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_events_request_idx" ON "lead_events" USING btree ("lead_id","request_id") WHERE "lead_events"."request_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_events_undoes_idx" ON "lead_events" USING btree ("undoes") WHERE "lead_events"."undoes" is not null;--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_kind_check" CHECK ("lead_events"."kind" in ('queued', 'decision', 'undo', 'note', 'list'));--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_reason_check" CHECK ("lead_events"."reason" is null or ("lead_events"."to_state" = 'not_a_fit' and "lead_events"."reason" in ('wrong_person', 'wrong_company_size', 'competitor', 'student_or_job_seeker', 'bot_or_fake', 'not_in_market', 'other')));--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_undo_check" CHECK (("lead_events"."kind" = 'undo') = ("lead_events"."undoes" is not null));--> statement-breakpoint
UPDATE "lead_events" SET "kind" = 'queued' WHERE "from_state" IS NULL;--> statement-breakpoint
UPDATE "lead_events" e SET "kind" = 'list' FROM "leads" l
WHERE l."id" = e."lead_id" AND e."from_state" IS NOT NULL AND (
  e."actor" = 'system'
  OR e."note" LIKE 'off the do-not-contact list: %'
  OR (e."to_state" = 'do_not_contact' AND EXISTS (
    SELECT 1 FROM "do_not_contact_events" d WHERE d."prospect_id" = l."prospect_id" AND d."change" = 'added' AND d."at" = e."at" AND d."source" <> 'lead'))
  OR (e."to_state" = 'do_not_contact' AND EXISTS (
    SELECT 1 FROM "lead_events" f JOIN "leads" other ON other."id" = f."lead_id"
    WHERE other."prospect_id" = l."prospect_id" AND other."id" <> l."id" AND f."to_state" = 'do_not_contact' AND f."at" = e."at" AND f."id" < e."id")));--> statement-breakpoint
UPDATE "lead_events" e SET "snoozed_until" = l."snoozed_until" FROM "leads" l
WHERE l."id" = e."lead_id" AND l."state" = 'snoozed' AND e."to_state" = 'snoozed'
  AND e."id" = (SELECT max(x."id") FROM "lead_events" x WHERE x."lead_id" = l."id" AND x."to_state" = 'snoozed');
