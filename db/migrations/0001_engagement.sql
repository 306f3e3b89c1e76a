CREATE TABLE "account_graph" (
	"account" text NOT NULL,
	"direction" text NOT NULL,
	"user_id" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "account_graph_pkey" PRIMARY KEY("account","direction","user_id"),
	CONSTRAINT "account_graph_direction_check" CHECK ("account_graph"."direction" in ('followers', 'following'))
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"handle" text PRIMARY KEY NOT NULL,
	"x_user_id" text,
	"owner" text,
	"engaging_since" timestamp with time zone NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_reason" text,
	"access_token" text,
	"refresh_token" text,
	"token_expires_at" timestamp with time zone,
	"token_origin" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "accounts_x_user_id_unique" UNIQUE("x_user_id")
);
--> statement-breakpoint
CREATE TABLE "persona_throttle" (
	"persona" text PRIMARY KEY NOT NULL,
	"factor" numeric(6, 4) NOT NULL,
	"reason" text NOT NULL,
	"follows_at_change" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_cursors" (
	"account" text NOT NULL,
	"stream" text NOT NULL,
	"since_id" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signal_cursors_pkey" PRIMARY KEY("account","stream")
);
--> statement-breakpoint
CREATE TABLE "x_stops" (
	"kind" text PRIMARY KEY NOT NULL,
	"detail" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"until" timestamp with time zone,
	CONSTRAINT "x_stops_kind_check" CHECK ("x_stops"."kind" in ('usage_capped', 'credits_depleted'))
);
--> statement-breakpoint
ALTER TABLE "budgets" DROP CONSTRAINT "budgets_used_check";--> statement-breakpoint
ALTER TABLE "signals" DROP CONSTRAINT "signals_kind_check";--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "actor" text;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "worker_id" text;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "sends" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budgets" ADD COLUMN "scope" text NOT NULL;--> statement-breakpoint
ALTER TABLE "budgets" ADD COLUMN "reset_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "warm_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "budgets_current_idx" ON "budgets" USING btree ("account","kind","scope","window","reset_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "budgets" DROP CONSTRAINT "budgets_pkey";
--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_pkey" PRIMARY KEY("account","kind","scope","window","window_start");--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_used_check" CHECK ("budgets"."used" >= 0 and "budgets"."used" <= "budgets"."limit");--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_kind_check" CHECK ("signals"."kind" in ('followed_back', 'follow_accepted', 'liked_back', 'replied', 'mentioned', 'opt_out'));