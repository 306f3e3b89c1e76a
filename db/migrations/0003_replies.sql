CREATE TABLE "do_not_contact_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "do_not_contact_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"prospect_id" text NOT NULL,
	"change" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"reply_id" bigint,
	CONSTRAINT "do_not_contact_events_change_check" CHECK ("do_not_contact_events"."change" in ('added', 'removed'))
);
--> statement-breakpoint
CREATE TABLE "replies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "replies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"post_id" text NOT NULL,
	"prospect_id" text NOT NULL,
	"account" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"language" text,
	"outcome" text NOT NULL,
	"reason" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"held" boolean DEFAULT false NOT NULL,
	"decision" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "replies_post_account" UNIQUE("post_id","account"),
	CONSTRAINT "replies_outcome_check" CHECK ("replies"."outcome" in ('opt_out', 'doubtful', 'other')),
	CONSTRAINT "replies_decision_check" CHECK ("replies"."decision" is null or "replies"."decision" in ('confirmed', 'dismissed'))
);
--> statement-breakpoint
CREATE INDEX "do_not_contact_events_prospect_idx" ON "do_not_contact_events" USING btree ("prospect_id","at");--> statement-breakpoint
CREATE INDEX "replies_prospect_idx" ON "replies" USING btree ("prospect_id");--> statement-breakpoint
CREATE INDEX "replies_held_idx" ON "replies" USING btree ("read_at") WHERE "replies"."held";--> statement-breakpoint
INSERT INTO "do_not_contact_events" ("prospect_id", "change", "at", "actor", "source", "reason") SELECT "prospect_id", 'added', "added_at", "added_by", "source", "reason" FROM "do_not_contact";
