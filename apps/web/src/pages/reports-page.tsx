import { useMutation, useQuery } from '@tanstack/react-query';
import { type DragEvent, type FormEvent, useState } from 'react';
import { ApiError, apiJson, enc } from '../api';
import type { ReportJob, Verification } from '../api-types';
import { navigate, reportPath } from '../router';
import { parseSerialList } from '../serial-list';
import { plural } from '../where-used-filters';

/** Reports over many serials (a job with a progress bar and a signed CSV), and verifying any report file. */
export function ReportsPage({ jobId }: { jobId?: string }) {
  return (
    <section>
      <h1>{jobId ? `Report ${jobId}` : 'Reports'}</h1>
      {jobId ? <JobProgress jobId={jobId} /> : <StartReport />}
      <VerifyReport />
    </section>
  );
}

function StartReport() {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const start = useMutation({
    mutationFn: (serials: string[]) => apiJson<ReportJob>('/v1/reports', { method: 'POST', body: JSON.stringify({ serials }) }),
    onSuccess: (job) => navigate(reportPath(job.id)),
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const { serials, repeated } = parseSerialList(text);
    if (serials.length === 0) return setProblem('Paste at least one serial.');
    if (serials.length > 10_000) return setProblem(`At most 10,000 serials in one report; this list has ${serials.length}.`);
    setProblem(repeated.length > 0 ? `Given twice, reported once: ${repeated.join(', ')}` : undefined);
    start.mutate(serials);
  };
  return (
    <form onSubmit={submit} aria-label="Start a report">
      <h2>Report over many serials</h2>
      <p>One signed CSV: the as-built bill of materials of every serial, under one header. Kept 24 hours.</p>
      <label htmlFor="report-serials">Serials</label>
      <textarea id="report-serials" value={text} onChange={(e) => setText(e.target.value)} rows={6} placeholder="one a line, or separated by commas" />
      {problem && <p role="alert">{problem}</p>}
      {start.isError && <p role="alert">{start.error.message}</p>}
      <button type="submit" disabled={start.isPending}>
        Start report
      </button>
    </form>
  );
}

function JobProgress({ jobId }: { jobId: string }) {
  const job = useQuery({
    queryKey: ['report-job', jobId],
    queryFn: () => apiJson<ReportJob>(`/v1/reports/${enc(jobId)}`),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 500),
    staleTime: 0,
  });
  if (job.isError) return <p role="alert">{job.error instanceof ApiError && job.error.status === 404 ? `No report ${jobId}: it expired, or another key started it.` : job.error.message}</p>;
  if (!job.data) return <p>Asking for report {jobId}…</p>;
  const j = job.data;
  return (
    <>
      <p>
        {j.status === 'queued' ? 'Queued' : j.status === 'running' ? 'Running' : j.status === 'done' ? 'Done' : 'Failed'}: {j.done} of {plural(j.total, 'serial')}, {plural(j.rows, 'BOM row')}
        {j.error ? `. ${j.error}` : ''}
      </p>
      <div role="progressbar" aria-label="Report progress" aria-valuemin={0} aria-valuemax={j.total} aria-valuenow={j.done} aria-valuetext={`${j.done} of ${j.total} serials`} className="progress">
        <span style={{ width: `${j.total === 0 ? 0 : Math.round((100 * j.done) / j.total)}%` }} />
      </div>
      {j.notFound.length > 0 && <p>Not found (unknown, or outside your brands): {j.notFound.slice(0, 20).join(', ')}{j.notFound.length > 20 ? ` and ${j.notFound.length - 20} more` : ''}</p>}
      {j.status === 'failed' && <p role="alert">The report failed{j.error ? `: ${j.error}` : ''}.</p>}
      {j.status === 'done' && j.result && (
        <p>
          <a href={j.result} download={`genealogy-${j.id}.csv`}>
            Download signed CSV
          </a>{' '}
          <span className="muted">
            ({j.bytes.toLocaleString('en')} bytes, signed by {j.keyId}, {j.digest})
          </span>
        </p>
      )}
    </>
  );
}

function VerifyReport() {
  const [over, setOver] = useState(false);
  const verify = useMutation({
    mutationFn: async (file: File) => ({ name: file.name, result: await apiJson<Verification>('/v1/reports/verify', { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream' } }) }),
  });
  const take = (files: FileList | null): void => {
    const file = files?.[0];
    if (file) verify.mutate(file);
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };
  const v = verify.data;
  return (
    <section aria-label="Verify a report">
      <h2>Verify a report file</h2>
      <div
        role="group"
        aria-label="Drop a report file here"
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop a signed report (PDF, CSV or JSON) here, or choose it:</p>
        <label htmlFor="report-file">Report file</label> <input id="report-file" type="file" accept=".pdf,.csv,.json,application/pdf,text/csv,application/json" onChange={(e) => take(e.target.files)} />
      </div>
      {verify.isPending && <p role="status">Verifying…</p>}
      {verify.isError && <p role="alert">{verify.error.message}</p>}
      {v && (
        <p role="status" aria-label="Verdict" className={v.result.valid ? 'ok' : 'flag'}>
          {v.result.valid
            ? `${v.name}: authentic and unchanged, a ${v.result.format?.toUpperCase() ?? ''} report signed by ${v.result.keyId} (${v.result.digest}).`
            : `${v.name}: NOT valid: ${v.result.reason ?? 'no reason given'}.`}
        </p>
      )}
    </section>
  );
}
