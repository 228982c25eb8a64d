import assert from "node:assert/strict";
import { ErrorCode } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import { Metrics } from "./metrics.ts";
import { RequestMetrics } from "./request_metrics.ts";

const OK = '{method="goxel.ping",outcome="ok"}', FAILED = '{method="goxel.ping",outcome="error"}';

function setup() {
  const metrics = new Metrics();
  const logged: [string, number, number | undefined][] = [];
  const ctx = {
    metrics,
    onRequest(method: string, seconds: number, code: number | undefined) {
      logged.push([method, seconds, code]);
    },
  } as unknown as DaemonContext;
  return { metrics, logged, requests: new RequestMetrics(ctx) };
}

Deno.test("RequestMetrics.record() counts by method and outcome, times and logs requests", () => {
  const { metrics, logged, requests } = setup();
  requests.record("goxel.ping", performance.now(), undefined, []);
  requests.record("goxel.ping", performance.now(), undefined, []);
  requests.record("goxel.ping", performance.now(), ErrorCode.INVALID_PARAMS, []);
  assert.equal(metrics.get("goxel_requests_total", OK), 2);
  assert.equal(metrics.get("goxel_requests_total", FAILED), 1);
  assert.match(metrics.render(), /goxel_request_duration_seconds_count\{method="goxel.ping"\} 3/);
  assert.deepEqual(logged.map(([m, , code]) => [m, code]), [
    ["goxel.ping", undefined],
    ["goxel.ping", undefined],
    ["goxel.ping", ErrorCode.INVALID_PARAMS],
  ]);
  assert.ok(logged.every(([, seconds]) => seconds >= 0 && seconds < 1));
});

Deno.test("RequestMetrics exports a method's error series only once it has counted one", () => {
  const { metrics, requests } = setup();
  requests.record("goxel.ping", performance.now(), undefined, []);
  assert.ok(metrics.render().includes(OK));
  assert.ok(!metrics.render().includes(FAILED));
});

Deno.test("RequestMetrics counts unknown methods under one label and logs the name sent", () => {
  const { metrics, logged, requests } = setup();
  requests.record("goxel.nope", performance.now(), ErrorCode.METHOD_NOT_FOUND, {});
  requests.record("other", performance.now(), ErrorCode.METHOD_NOT_FOUND, {});
  assert.equal(metrics.get("goxel_requests_total", '{method="(unknown)",outcome="error"}'), 2);
  assert.ok(!metrics.render().includes("goxel.nope"));
  assert.deepEqual(logged.map(([m]) => m), ['(unknown) "goxel.nope"', '(unknown) "other"']);
});

Deno.test("RequestMetrics.failedLater() moves a counted success to the failures", () => {
  const { metrics, logged, requests } = setup();
  requests.record("goxel.ping", performance.now(), undefined, []);
  requests.failedLater("goxel.ping", ErrorCode.JOURNAL);
  assert.equal(metrics.get("goxel_requests_total", OK), 0);
  assert.equal(metrics.get("goxel_requests_total", FAILED), 1);
  assert.deepEqual(logged.at(-1), ["goxel.ping", 0, ErrorCode.JOURNAL]);
});
