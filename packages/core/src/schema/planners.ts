import type { Plan } from './plan.ts';
import type { StandardSchemaV1 } from './standard.ts';

/**
 * How a Standard Schema that is not zod gets its streaming rules: from its JSON Schema, by the planner
 * that `@partialkit/core/standard-schema` registers. Kept out of the main entry so that a zod app's
 * browser bundle does not carry a JSON Schema reader it never uses. Without it, such a schema streams
 * by the no-schema rules and is validated whole at the end.
 */
let jsonSchemaPlanner: ((schema: StandardSchemaV1) => Plan | undefined) | undefined;

export function registerJsonSchemaPlanner(planner: (schema: StandardSchemaV1) => Plan | undefined): void {
  jsonSchemaPlanner = planner;
}

export const standardPlanFor = (schema: StandardSchemaV1): Plan | undefined => jsonSchemaPlanner?.(schema);
