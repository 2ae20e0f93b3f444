// How instances and events read in tables: `easel w` and `easel events`.
import type { EventDescription, InstanceDescription } from '../../contract/api.js';
import { formatAge, formatBytes, formatLastState, formatPercent, formatTimestamp } from '../format.js';
import type { Colors } from '../output.js';
import { renderTable } from '../table.js';
import { paintStatus } from './service-views.js';

export function instanceTable(instances: readonly InstanceDescription[], c: Colors, now: number): string {
  const head = ['INSTANCE', 'IP', 'PORT', 'PID', 'VERSION', 'STATUS', 'READY', 'RESTARTS', 'LASTSTATE', 'CPU%', 'RSS', 'AGE'];
  const rows = instances.map((i) => [
    i.InstanceName,
    i.HostIP,
    i.InstancePort === 0 ? '-' : String(i.InstancePort),
    i.Pid === 0 ? '-' : String(i.Pid),
    String(i.Version),
    paintStatus(i.Status, c),
    i.Ready ? '1/1' : '0/1',
    String(i.RestartCount),
    formatLastState(i.LastState, now),
    formatPercent(i.CpuPercent),
    formatBytes(i.MemoryRssBytes),
    formatAge(i.StartTime, now),
  ]);
  return renderTable(head, rows);
}

/**
 * Events, oldest first. Messages can span lines (a crash carries the instance's last output);
 * on a terminal the MESSAGE column wraps to the width left, so every line stays in its column.
 */
export function eventTable(events: readonly EventDescription[], c: Colors, width: number | undefined): string {
  const head = ['TIME', 'TYPE', 'REASON', 'INSTANCE', 'MESSAGE'];
  const rows = events.map((e) => [
    formatTimestamp(e.Time),
    e.Type === 'Warning' ? c.yellow(e.Type) : e.Type,
    e.Reason,
    e.InstanceName ?? '-',
    e.Message.replace(/\r/g, '').replace(/\t/g, '  '),
  ]);
  return renderTable(head, rows, { width, wrapColumn: 4 });
}
