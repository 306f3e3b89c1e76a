CREATE INDEX "actions_persona_finished_idx" ON "actions" USING btree ("persona","finished_at");--> statement-breakpoint
CREATE INDEX "actions_last_moved_idx" ON "actions" USING btree (coalesce("finished_at", "sent_at", "planned_at"));--> statement-breakpoint
CREATE INDEX "budgets_reset_idx" ON "budgets" USING btree ("reset_at");--> statement-breakpoint
CREATE INDEX "job_runs_started_idx" ON "job_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "leads_day_score_idx" ON "leads" USING btree ("queued_on","score" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "matches_persona_matched_idx" ON "matches" USING btree ("persona","matched_at","score");--> statement-breakpoint
CREATE INDEX "signals_occurred_idx" ON "signals" USING btree ("occurred_at");