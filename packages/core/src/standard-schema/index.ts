/**
 * `@partialkit/core/standard-schema`: streaming rules for any Standard Schema with a JSON Schema
 * (`~standard.jsonSchema`: arktype, valibot through `toStandardJsonSchema`). Importing this entry
 * registers the planner: `enum`, `const`, numbers, booleans, `null` and string `format`s appear only
 * when complete, a `oneOf`/`anyOf` discriminator holds an object back until known, and
 * `x-partial: "atomic"` (or `{ require: [...] }`) marks a subtree. zod 4 schemas need none of this.
 */
import { jsonSchemaPlanFor } from '../schema/json-schema-plan.ts';
import { registerJsonSchemaPlanner } from '../schema/planners.ts';

registerJsonSchemaPlanner(jsonSchemaPlanFor);
