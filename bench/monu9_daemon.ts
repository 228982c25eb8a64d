/** A daemon (default config, the binary in GOXEL_BIN if set) with monu9.vox loaded, for the render benches. */
import { FIXTURES } from "../tests/fixtures_testing.ts";
import { makeTestEnv, RawClient, startDaemon } from "../tests/support_testing.ts";

/** A running daemon with monu9.vox as its current project. */
export interface Monu9Daemon {
  /** Times one isometric `render_scene` of monu9 to a file (ms). */
  render(size: number, quality: string): Promise<number>;
  /** Changes one voxel inside the model (so the next render builds its set-up anew). */
  touch(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a daemon and loads monu9.vox into it. */
export async function monu9Daemon(): Promise<Monu9Daemon> {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(env.socket);
  await c.call("goxel.load_project", [new URL("ephtracy/monu9.vox", FIXTURES).pathname]);
  let touches = 0;
  return {
    async render(size, quality) {
      const t = performance.now();
      await c.call("goxel.render_scene", {
        output_path: `${env.dir}/r.png`,
        width: size,
        height: size,
        camera_preset: "isometric",
        quality,
      });
      return performance.now() - t;
    },
    async touch() {
      touches++;
      await c.call("goxel.add_voxel", [0, 0, 0, touches & 255, 0, 0, 255]);
    },
    async stop() {
      c.close();
      await daemon.stop();
      await env.cleanup();
    },
  };
}
