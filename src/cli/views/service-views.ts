// How services read in tables and listings: `ls`, `desc`, `version` and the summary after create.
import type { ServiceDescription, ServiceList, VersionDescription } from '../../contract/api.js';
import type { ServiceSpec } from '../../contract/spec.js';
import { formatTimestamp, truncate } from '../format.js';
import type { Colors } from '../output.js';
import { renderFields, renderTable } from '../table.js';

export function paintStatus(status: string, c: Colors): string {
  switch (status) {
    case 'Running':
      return c.green(status);
    case 'Failed':
    case 'CrashLoopBackOff':
      return c.red(status);
    case 'Stopped':
      return c.gray(status);
    default:
      return c.yellow(status);
  }
}

export function serviceTable(list: ServiceList, c: Colors): string {
  const head = ['NAME', 'INSTANCE', 'VERSION', 'STATUS', 'CREATETIME', 'UPDATETIME', 'SERVICEPATH'];
  const rows = list.Services.map((s) => [
    s.ServiceName,
    `${s.RunningInstance}/${s.DesiredInstance}`,
    `${s.CurrentVersion}/${s.LatestVersion}`,
    paintStatus(s.Status, c),
    formatTimestamp(s.CreateTime),
    formatTimestamp(s.UpdateTime),
    s.ServicePath,
  ]);
  return renderTable(head, rows);
}

/** `easel desc`: the description as aligned fields, then the spec as JSON. */
export function serviceDetails(s: ServiceDescription, c: Colors): string {
  const fields: [string, string][] = [
    ['Name', s.ServiceName],
    ['Status', paintStatus(s.Status, c)],
  ];
  if (s.Reason !== '') fields.push(['Reason', s.Reason]);
  fields.push(
    ['Instances', `${s.RunningInstance} running / ${s.DesiredInstance} desired (${s.TotalInstance} in total)`],
    ['Version', s.CurrentVersion === s.LatestVersion ? String(s.CurrentVersion) : `${s.CurrentVersion} (latest ${s.LatestVersion})`],
    ['AccessToken', s.AccessToken === '' ? '(none: networking.disable_auth)' : s.AccessToken],
    ['Endpoint', s.InternetEndpoint === '' ? '-' : s.InternetEndpoint],
    ['ServicePath', s.ServicePath],
    ['CreateTime', formatTimestamp(s.CreateTime)],
    ['UpdateTime', formatTimestamp(s.UpdateTime)],
  );
  return `${renderFields(fields)}\n\nSpec:\n${JSON.stringify(s.ServiceConfig, null, 2)}`;
}

/** What a version runs, in a few words: the processor, the custom code or the command. */
export function specSource(spec: ServiceSpec): string {
  if (spec.processor !== undefined) return spec.model_path === undefined ? spec.processor : `${spec.processor} ${spec.model_path}`;
  if (spec.processor_path !== undefined) return spec.processor_entry === undefined ? spec.processor_path : `${spec.processor_path} (${spec.processor_entry})`;
  const container = spec.containers?.[0];
  if (container?.script !== undefined) return `script: ${container.script}`;
  const command = container?.command;
  if (command !== undefined) return `command: ${typeof command === 'string' ? command : command.join(' ')}`;
  return '-';
}

export function versionTable(versions: readonly VersionDescription[]): string {
  const head = ['', 'VERSION', 'CREATETIME', 'INSTANCE', 'SOURCE'];
  const rows = versions.map((v) => [
    v.Current ? '*' : '',
    String(v.Version),
    formatTimestamp(v.CreateTime),
    String(v.ServiceConfig.metadata?.instance ?? 1),
    truncate(specSource(v.ServiceConfig).replace(/\s+/g, ' '), 70),
  ]);
  return renderTable(head, rows);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The URL to call a service at: its gateway endpoint, or one built from a gateway the user named. */
export function serviceUrl(s: ServiceDescription, gateway: string | undefined): string | undefined {
  if (gateway !== undefined && gateway !== '') return `${gateway.replace(/\/+$/, '')}${s.ServicePath}`;
  return s.InternetEndpoint === '' ? undefined : s.InternetEndpoint;
}

/** A first call to copy: model processors describe themselves on GET, the others echo or answer a body. */
function tryIt(s: ServiceDescription, auth: string, url: string): string {
  const processor = s.ServiceConfig.processor;
  if (processor !== undefined && processor !== 'echo') return `curl ${auth}${url}   # the model's inputs and outputs`;
  return `curl ${auth}-d '{"hello": "world"}' ${url}`;
}

/** Printed once a created service runs: where to call it, its token and a call to copy. */
export function serviceSummary(s: ServiceDescription, gateway: string | undefined): string {
  const url = serviceUrl(s, gateway);
  const shownUrl = url ?? `<gateway>${s.ServicePath}`;
  const auth = s.AccessToken === '' ? '' : `-H ${shellQuote(`Authorization: ${s.AccessToken}`)} `;
  const fields: [string, string][] = [
    ['Service', s.ServiceName],
    ['Endpoint', shownUrl],
    ['Token', s.AccessToken === '' ? '(none: networking.disable_auth)' : s.AccessToken],
    ['Try it', tryIt(s, auth, shellQuote(shownUrl))],
  ];
  if (url === undefined) fields.push(['Note', 'the control plane knows no gateway URL: pass --gateway <url> or set $EASEL_GATEWAY']);
  return renderFields(fields);
}
