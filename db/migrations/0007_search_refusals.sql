ALTER TABLE "search_cursors" ADD COLUMN "refused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "search_cursors" ADD COLUMN "refused_reason" text;