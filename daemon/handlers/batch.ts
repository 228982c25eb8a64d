/** goxel.batch_operations: many voxel operations checked first, then applied as one undo step. */
import { LimitError } from "../../core/budget.ts";
import { GoxelError, InvalidInputError } from "../../core/errors.ts";
import { ErrorCode, findMethod, parseParams, RpcError } from "../../protocol/mod.ts";
import type { AnyHandler, HandlerEnv, HandlerGroup, HandlerTable } from "./types.ts";
import { dryRunEnv, editInline } from "./util.ts";

/** Operation types whose handlers charge the whole edit before making it. */
const CHARGED_FIRST = new Set([
  "draw_shape",
  "procedural_shape",
  "draw_line",
  "flood_fill",
  "add_voxels",
  "replace_color",
]);

/**
 * Charges the operations that charge before they edit, together, in a dry run: a batch over
 * the budget is refused before its first operation runs (other failures are reported by the
 * real run, in order).
 */
function chargeFirst(
  steps: { type: string; handler: AnyHandler; params: Record<string, unknown> }[],
  env: HandlerEnv,
): void {
  const dry = dryRunEnv(env);
  steps.forEach((s, index) => {
    if (!CHARGED_FIRST.has(s.type)) return;
    try {
      s.handler(s.params, dry);
    } catch (err) {
      if (err instanceof LimitError) throw stepError(index, err);
    }
  });
}

/** Builds the batch handler over the other handlers. */
export function batchHandlers(table: () => HandlerTable): HandlerGroup<"goxel.batch_operations"> {
  return {
    "goxel.batch_operations"(p, env) {
      const steps = p.operations.map((op, index) => {
        const { type, ...params } = op;
        const decl = findMethod(`goxel.${type === "paint_voxel" ? "paint_voxels" : type}`)!;
        const parsed = parseParams(decl, params);
        if (!parsed.ok) {
          throw new RpcError(
            ErrorCode.INVALID_PARAMS,
            `Invalid operation ${index} (${type}): ${parsed.message}`,
            {
              index,
              // Paths from the batch's params, as the batch's own issues are given.
              issues: parsed.issues.map((i) => ({ ...i, path: ["operations", index, ...i.path] })),
            },
          );
        }
        if ((parsed.value as { project?: string }).project !== undefined) {
          throw new InvalidInputError(
            `Operation ${index} (${type}): project belongs on the batch, not on an operation`,
          );
        }
        return {
          type,
          handler: (table() as unknown as Record<string, AnyHandler>)[decl.name],
          params: parsed.value as Record<string, unknown>,
        };
      });
      chargeFirst(steps, env);
      editInline(env);
      // All or nothing: the dispatcher rolls the project back when an operation throws.
      steps.forEach((s, index) => {
        try {
          s.handler(s.params, env);
        } catch (err) {
          throw stepError(index, err);
        }
      });
      return { success: true, total_operations: steps.length, successful_operations: steps.length };
    },
  };
}

/** Wraps an operation's expected failure (same kind, the original as `cause`); bugs pass through. */
function stepError(index: number, err: unknown): unknown {
  const prefix = `Operation ${index} failed, nothing was applied`;
  if (err instanceof RpcError) {
    const data = { index, ...(err.data as Record<string, unknown> | undefined) };
    return Object.assign(new RpcError(err.code, `${prefix}: ${err.message}`, data), { cause: err });
  }
  if (err instanceof LimitError) {
    return new LimitError(err.limit, err.requested, err.max, `${prefix}: ${err.message}`);
  }
  if (err instanceof GoxelError) {
    return new GoxelError(err.reason, `${prefix}: ${err.message}`, { cause: err });
  }
  return err;
}
