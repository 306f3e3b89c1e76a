import type { PersonaFunnel } from '../../../db/web.ts';
import { readFile } from 'node:fs/promises';
import { parsePersona, type ConfigIssue, type PersonaLoadOptions } from '../../config/load.ts';
import { html, type Html } from '../html.ts';
import { barChart, histogramChart } from './charts.ts';
import { count, layout, paths, type PageContext } from './layout.ts';

/**
 * Personas: per persona and period, the funnel (found → … → won) and the score distribution as
 * server-rendered SVG charts with the same numbers as tables, what the reads cost per queued lead
 * and per reply, and the persona's YAML with each validation error at its line.
 */

export interface PersonaConfigView {
  id: string;
  /** As the user would type it: `config/personas/saas-fr.yaml`. */
  file: string;
  /** The file's text, when it could be read. */
  source: string | null;
  /** Validation problems of this file (file:line field: message). */
  issues: readonly ConfigIssue[];
}

/**
 * A persona file as the page shows it: its text and what validation says about it, read now (so
 * a file being edited shows its latest problems even while the worker runs its last good config).
 * `file` as the user would type it; `id` is the file's base name.
 */
export async function readPersonaConfig(file: string, id: string, options: PersonaLoadOptions = {}): Promise<PersonaConfigView> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    return { id, file, source: null, issues: [{ file, path: '', message: `cannot read: ${(error as Error).message}` }] };
  }
  return { id, file, source, issues: parsePersona(source, file, options).issues };
}

export interface PersonasData {
  /** Every persona the config names (valid or not), for the picker. */
  personas: readonly string[];
  /** The persona shown; undefined when there is none. */
  persona: string | undefined;
  from: string;
  to: string;
  funnel: PersonaFunnel | undefined;
  config: PersonaConfigView | undefined;
}

const usd = (n: number | null): string => (n === null ? '—' : `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`);

export async function personasPage(data: PersonasData, ctx: PageContext): Promise<Html> {
  const picker = html`<form method="get" action="${paths.personas}" class="filters" aria-label="Persona and period">
<label>Persona <select name="persona">${data.personas.map((p) => html`<option value="${p}"${p === data.persona ? html` selected` : ''}>${p}</option>`)}</select></label>
<label>From <input type="date" name="from" value="${data.from}"></label>
<label>To <input type="date" name="to" value="${data.to}"></label>
<button type="submit">Show</button>
</form>`;
  const f = data.funnel;
  const sections: Html[] = [];
  if (f) {
    const funnelSvg = await barChart(
      f.stages.map((s) => ({ label: s.stage, count: s.count })),
      { title: `Funnel of ${f.persona}` },
    );
    const histogramSvg = await histogramChart(f.scores, { title: `Scores of ${f.persona}` });
    const firstCount = f.stages[0]?.count ?? 0;
    sections.push(html`<section class="chart"><h2>Funnel <small>${f.from} to ${f.to}</small></h2>
<figure>${funnelSvg}<figcaption>People found, matched, engaged and engaging back in the period; leads queued in the period and how far they went.</figcaption></figure>
<table class="nums"><thead><tr><th scope="col">stage</th><th scope="col">count</th><th scope="col">of found</th></tr></thead><tbody>${f.stages.map(
      (s) => html`<tr><th scope="row">${s.stage}</th><td class="n">${count(s.count)}</td><td class="n">${firstCount > 0 ? `${((100 * s.count) / firstCount).toFixed(1)}%` : '—'}</td></tr>`,
    )}</tbody></table></section>
<section class="chart"><h2>Score distribution</h2>
<figure>${histogramSvg}<figcaption>Scores of the matches found in the period, by tens.</figcaption></figure>
<table class="nums"><thead><tr><th scope="col">score</th>${f.scores.map((b) => html`<th scope="col">${b.from}–${b.to}</th>`)}</tr></thead><tbody><tr><th scope="row">matches</th>${f.scores.map((b) => html`<td class="n">${count(b.count)}</td>`)}</tr></tbody></table></section>
<section><h2>Reads and cost</h2>
<dl class="kv"><dt>posts read</dt><dd>${count(f.reads.posts)}</dd><dt>users read</dt><dd>${count(f.reads.users)}</dd><dt>requests</dt><dd>${count(f.reads.requests)}</dd>
<dt>estimated cost</dt><dd>${usd(f.reads.costUsd)}</dd><dt>per queued lead</dt><dd>${usd(f.costPerQueuedLead)}</dd><dt>per reply</dt><dd>${usd(f.costPerReply)}</dd></dl></section>`);
  } else {
    sections.push(html`<p class="empty">No persona to show: add one under the personas directory of the config.</p>`);
  }
  if (data.config) sections.push(configSection(data.config));
  return layout('Personas', 'personas', html`<h1>Personas${data.persona ? html` <small>${data.persona}</small>` : ''}</h1>
${picker}
${sections}`, ctx);
}

const NBSP = html`&nbsp;`;

/** A line's leading spaces as markup: escaping trims text, and YAML's indentation is its structure. */
function indent(line: string): Html[] {
  return Array.from({ length: line.length - line.trimStart().length }, () => NBSP);
}

/** The YAML, line by line, each problem shown under the line it is about and listed above. */
function configSection(c: PersonaConfigView): Html {
  const byLine = new Map<number, ConfigIssue[]>();
  for (const issue of c.issues) if (issue.line !== undefined) byLine.set(issue.line, [...(byLine.get(issue.line) ?? []), issue]);
  const where = (i: ConfigIssue) => (i.line === undefined ? i.file : `${i.file}:${i.line}`);
  const list =
    c.issues.length === 0
      ? html`<p class="ok">Valid.</p>`
      : html`<ul class="issues" role="alert">${c.issues.map((i) => html`<li><code>${where(i)}</code> ${i.path ? html`<code>${i.path}</code>: ` : ''}${i.message}</li>`)}</ul>`;
  const lines =
    c.source === null
      ? html``
      : html`<ol class="yaml">${c.source.split('\n').map((line, i) => {
          const issues = byLine.get(i + 1);
          return html`<li${issues ? html` class="bad"` : ''}><code>${indent(line)}${line.trimStart()}</code>${issues ? issues.map((x) => html`<span class="err">${x.path ? html`${x.path}: ` : ''}${x.message}</span>`) : ''}</li>`;
        })}</ol>`;
  return html`<section><h2>Config <small><code>${c.file}</code></small></h2>
${list}
${lines}</section>`;
}
