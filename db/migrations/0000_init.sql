CREATE TABLE "actions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "actions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"prospect_id" text NOT NULL,
	"persona" text,
	"status" text NOT NULL,
	"planned_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"outcome" jsonb,
	"error" text,
	CONSTRAINT "actions_once" UNIQUE("account","kind","target"),
	CONSTRAINT "actions_kind_check" CHECK ("actions"."kind" in ('like', 'follow')),
	CONSTRAINT "actions_status_check" CHECK ("actions"."status" in ('planned', 'pending', 'done', 'failed', 'cancelled', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"account" text NOT NULL,
	"kind" text NOT NULL,
	"window" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"limit" integer NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "budgets_pkey" PRIMARY KEY("account","kind","window","window_start"),
	CONSTRAINT "budgets_kind_check" CHECK ("budgets"."kind" in ('like', 'follow')),
	CONSTRAINT "budgets_window_check" CHECK ("budgets"."window" in ('15min', 'day')),
	CONSTRAINT "budgets_used_check" CHECK ("budgets"."used" >= 0)
);
--> statement-breakpoint
CREATE TABLE "do_not_contact" (
	"prospect_id" text PRIMARY KEY NOT NULL,
	"reason" text,
	"source" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	"added_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job" text NOT NULL,
	"persona" text,
	"tick" timestamp with time zone,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text NOT NULL,
	"counts" jsonb,
	"error" text,
	"worker_id" text NOT NULL,
	CONSTRAINT "job_runs_status_check" CHECK ("job_runs"."status" in ('running', 'ok', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "lead_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lead_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"lead_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "leads_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"prospect_id" text NOT NULL,
	"persona" text NOT NULL,
	"owner" text,
	"queued_on" date NOT NULL,
	"state" text NOT NULL,
	"score" smallint NOT NULL,
	"reasons" text,
	"snoozed_until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "leads_prospect_persona" UNIQUE("prospect_id","persona"),
	CONSTRAINT "leads_state_check" CHECK ("leads"."state" in ('new', 'contacted', 'replied', 'won', 'not_a_fit', 'snoozed', 'do_not_contact')),
	CONSTRAINT "leads_snooze_check" CHECK ("leads"."state" <> 'snoozed' or "leads"."snoozed_until" is not null)
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"persona" text NOT NULL,
	"prospect_id" text NOT NULL,
	"post_id" text,
	"features" jsonb,
	"score" smallint,
	"components" jsonb,
	"explanation" text,
	"matched_at" timestamp with time zone NOT NULL,
	"scored_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "matches_pkey" PRIMARY KEY("persona","prospect_id"),
	CONSTRAINT "matches_score_check" CHECK ("matches"."score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"x_post_id" text PRIMARY KEY NOT NULL,
	"author_id" text NOT NULL,
	"text" text NOT NULL,
	"lang" text,
	"created_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"referenced_post_id" text,
	"retweet_count" integer DEFAULT 0 NOT NULL,
	"reply_count" integer DEFAULT 0 NOT NULL,
	"like_count" integer DEFAULT 0 NOT NULL,
	"quote_count" integer DEFAULT 0 NOT NULL,
	"bookmark_count" integer DEFAULT 0 NOT NULL,
	"impression_count" bigint DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "posts_kind_check" CHECK ("posts"."kind" in ('original', 'reply', 'quote', 'retweet'))
);
--> statement-breakpoint
CREATE TABLE "prospects" (
	"x_user_id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"location" text,
	"url" text,
	"created_at" timestamp with time zone,
	"verified" boolean,
	"protected" boolean,
	"followers_count" integer,
	"following_count" integer,
	"tweet_count" integer,
	"listed_count" integer,
	"like_count" integer,
	"lang" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"profile" jsonb
);
--> statement-breakpoint
CREATE TABLE "read_meter" (
	"persona" text NOT NULL,
	"day" date NOT NULL,
	"posts_read" integer DEFAULT 0 NOT NULL,
	"users_read" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"estimated_cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "read_meter_pkey" PRIMARY KEY("persona","day")
);
--> statement-breakpoint
CREATE TABLE "search_cursors" (
	"persona" text NOT NULL,
	"query_hash" text NOT NULL,
	"query" text NOT NULL,
	"since_id" text,
	"until_id" text,
	"pending_newest_id" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "search_cursors_pkey" PRIMARY KEY("persona","query_hash")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "signals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"prospect_id" text NOT NULL,
	"account" text NOT NULL,
	"kind" text NOT NULL,
	"post_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signals_once" UNIQUE NULLS NOT DISTINCT("prospect_id","account","kind","post_id"),
	CONSTRAINT "signals_kind_check" CHECK ("signals"."kind" in ('followed_back', 'liked_back', 'replied', 'mentioned', 'opt_out'))
);
--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_prospect_id_prospects_x_user_id_fk" FOREIGN KEY ("prospect_id") REFERENCES "public"."prospects"("x_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_prospect_id_prospects_x_user_id_fk" FOREIGN KEY ("prospect_id") REFERENCES "public"."prospects"("x_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_prospect_id_prospects_x_user_id_fk" FOREIGN KEY ("prospect_id") REFERENCES "public"."prospects"("x_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_post_id_posts_x_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("x_post_id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_prospects_x_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."prospects"("x_user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "actions_status_idx" ON "actions" USING btree ("status","planned_at");--> statement-breakpoint
CREATE INDEX "actions_prospect_idx" ON "actions" USING btree ("prospect_id");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_tick_once" ON "job_runs" USING btree ("job",coalesce("persona", ''),"tick") WHERE "job_runs"."tick" is not null;--> statement-breakpoint
CREATE INDEX "job_runs_job_idx" ON "job_runs" USING btree ("job","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "lead_events_lead_idx" ON "lead_events" USING btree ("lead_id","at");--> statement-breakpoint
CREATE INDEX "leads_day_idx" ON "leads" USING btree ("queued_on","persona");--> statement-breakpoint
CREATE INDEX "leads_owner_idx" ON "leads" USING btree ("owner","state");--> statement-breakpoint
CREATE INDEX "matches_queue_idx" ON "matches" USING btree ("persona","score" DESC NULLS LAST,"prospect_id");--> statement-breakpoint
CREATE INDEX "matches_prospect_idx" ON "matches" USING btree ("prospect_id");--> statement-breakpoint
CREATE INDEX "posts_author_created_idx" ON "posts" USING btree ("author_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "prospects_username_lower_idx" ON "prospects" USING btree (lower("username"));