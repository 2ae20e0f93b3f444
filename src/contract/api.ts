// Shapes of the control-plane REST API (`/api/v2/...`), shared by the server, the CLI and the
// console. Field names follow EAS (PascalCase) so EAS tooling reads them unchanged.
import type { ServiceSpec } from './spec.js';

export const SERVICE_STATUSES = ['Creating', 'Running', 'Updating', 'Scaling', 'Stopping', 'Stopped', 'Failed', 'Deleting'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const INSTANCE_STATUSES = ['Pending', 'Starting', 'Running', 'Unready', 'CrashLoopBackOff', 'Terminating'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Why an instance's process last ended. */
export type TerminationReason = 'Error' | 'Completed' | 'OOMKilled' | 'LivenessProbeFailed' | 'Killed' | 'Lost';

export interface LastState {
  ExitCode: number | null;
  Signal: string | null;
  Reason: TerminationReason;
  /** ISO 8601 time the process ended. */
  FinishedAt: string;
  Message: string;
}

export interface ServiceDescription {
  ServiceName: string;
  Status: ServiceStatus;
  /** Why the service is in this status; for Failed, the exit code and the last log lines. */
  Reason: string;
  /** Instances that are ready and receive traffic. */
  RunningInstance: number;
  /** Instances that exist (any status). */
  TotalInstance: number;
  /** Desired instances. */
  DesiredInstance: number;
  /** The service token; empty when networking.disable_auth is set. */
  AccessToken: string;
  CurrentVersion: number;
  LatestVersion: number;
  CreateTime: string;
  UpdateTime: string;
  /** Path of the service on a gateway. */
  ServicePath: string;
  /** Full URL on the gateway this control plane runs, when it runs one. */
  InternetEndpoint: string;
  ServiceConfig: ServiceSpec;
}

export interface ServiceList {
  Services: ServiceDescription[];
  TotalCount: number;
}

export interface InstanceDescription {
  InstanceName: string;
  ServiceName: string;
  Version: number;
  Status: InstanceStatus;
  Ready: boolean;
  RestartCount: number;
  LastState: LastState | null;
  StartTime: string;
  HostIP: string;
  InstancePort: number;
  Pid: number;
  /** Percent of one core over the last sample. */
  CpuPercent: number | null;
  MemoryRssBytes: number | null;
  Reason: string;
}

export interface VersionDescription {
  Version: number;
  CreateTime: string;
  Current: boolean;
  ServiceConfig: ServiceSpec;
}

export type EventType = 'Normal' | 'Warning';

export interface EventDescription {
  Id: number;
  Time: string;
  Type: EventType;
  /** A stable CamelCase word: ServiceCreated, InstanceReady, InstanceCrashed, ... */
  Reason: string;
  Message: string;
  ServiceName: string;
  InstanceName: string | null;
}

export interface SwitchVersionRequest {
  Version: number;
}

/** `GET /healthz` on the control plane and the gateway. */
export interface Health {
  status: 'ok';
  component: 'controlplane' | 'gateway';
  version: string;
}
