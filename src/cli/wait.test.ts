import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceDescription, ServiceDescription } from '../contract/api.js';
import { judge, progressLine, type Snapshot } from './wait.js';

function service(s: Partial<ServiceDescription> = {}): ServiceDescription {
  return {
    ServiceName: 'echo',
    Status: 'Running',
    Reason: '',
    RunningInstance: 1,
    TotalInstance: 1,
    DesiredInstance: 1,
    AccessToken: 't',
    CurrentVersion: 1,
    LatestVersion: 1,
    CreateTime: '',
    UpdateTime: '',
    ServicePath: '/api/predict/echo',
    InternetEndpoint: '',
    ServiceConfig: { name: 'echo', processor: 'echo' },
    ...s,
  };
}

function instance(i: Partial<InstanceDescription> = {}): InstanceDescription {
  return {
    InstanceName: 'echo-v1-a',
    ServiceName: 'echo',
    Version: 1,
    Status: 'Running',
    Ready: true,
    RestartCount: 0,
    LastState: null,
    StartTime: '',
    HostIP: '127.0.0.1',
    InstancePort: 1234,
    Pid: 99,
    CpuPercent: null,
    MemoryRssBytes: null,
    Reason: '',
    ...i,
  };
}

const snap = (s: Partial<ServiceDescription>, instances: InstanceDescription[]): Snapshot => ({ service: service(s), instances });

void test('running is reached when exactly the desired instances of the current version are ready', () => {
  assert.deepEqual(judge('running', snap({}, [instance()])), { state: 'done' });
  assert.deepEqual(judge('running', snap({ DesiredInstance: 0 }, [])), { state: 'done' });
});

void test('a stale Running status right after a change does not end the wait', () => {
  // Scaled to 3; the reconciler has not created the new instances yet.
  assert.equal(judge('running', snap({ DesiredInstance: 3 }, [instance()])).state, 'waiting');
  // New version 2; only version 1 runs so far.
  assert.equal(judge('running', snap({ CurrentVersion: 2, LatestVersion: 2 }, [instance()])).state, 'waiting');
  // Scaled down to 1; the second instance is still draining.
  assert.equal(judge('running', snap({}, [instance(), instance({ InstanceName: 'echo-v1-b', Status: 'Terminating', Ready: false })])).state, 'waiting');
  // An instance that is not ready yet.
  assert.equal(judge('running', snap({}, [instance({ Ready: false, Status: 'Starting' })])).state, 'waiting');
});

void test('Failed ends the wait with the reason, multi-line output included', () => {
  const reason = 'instance echo-v1-a exited with code 3; last output:\nboom';
  assert.deepEqual(judge('running', snap({ Status: 'Failed', Reason: reason }, [])), { state: 'failed', reason });
  assert.deepEqual(judge('running', snap({ Status: 'Failed' }, [])), { state: 'failed', reason: 'the service failed' });
});

void test('waiting for running fails when the service is deleted meanwhile', () => {
  assert.equal(judge('running', snap({ Status: 'Deleting' }, [])).state, 'failed');
  assert.equal(judge('running', null).state, 'failed');
});

void test('stopped means status Stopped and no instance left', () => {
  assert.deepEqual(judge('stopped', snap({ Status: 'Stopped', DesiredInstance: 0 }, [])), { state: 'done' });
  assert.equal(judge('stopped', snap({ Status: 'Stopping', DesiredInstance: 0 }, [instance({ Status: 'Terminating' })])).state, 'waiting');
  assert.equal(judge('stopped', snap({ Status: 'Stopped', DesiredInstance: 0 }, [instance({ Status: 'Terminating' })])).state, 'waiting');
});

void test('gone means the service no longer exists', () => {
  assert.deepEqual(judge('gone', null), { state: 'done' });
  assert.equal(judge('gone', snap({ Status: 'Deleting' }, [instance()])).state, 'waiting');
});

void test('the progress line shows status, the first line of the reason and readiness', () => {
  assert.equal(progressLine(snap({ Status: 'Creating', Reason: 'starting instance echo-v1-a' }, [instance({ Ready: false })])), 'Creating: starting instance echo-v1-a (0/1 ready)');
  assert.equal(progressLine(snap({ Status: 'Updating', Reason: 'rolling out version 2: 1/2 ready\nmore', CurrentVersion: 2, DesiredInstance: 2 }, [instance({ Version: 2 }), instance()])), 'Updating: rolling out version 2: 1/2 ready');
  assert.equal(progressLine(snap({ Status: 'Scaling', Reason: 'scaling to 3: 1 ready; waiting for instance echo-v1-b', DesiredInstance: 3 }, [instance()])), 'Scaling: scaling to 3: 1 ready; waiting for instance echo-v1-b');
  assert.equal(progressLine(snap({ Status: 'Creating', Reason: 'instance echo-v1-a exited with code 3; last output:\nboom; restarting' }, [])), 'Creating: instance echo-v1-a exited with code 3 (0/1 ready)');
  assert.equal(progressLine(snap({ Status: 'Stopping', Reason: '1 instance(s) left to stop' }, [instance()])), 'Stopping: 1 instance(s) left to stop');
});
