/**
 * The parts of Standard Schema v1 (https://standardschema.dev) partialkit reads, declared here so core
 * needs no dependency for them. They are structural: zod 4, valibot, arktype and every other library
 * implementing `@standard-schema/spec` fit them as they are.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  readonly vendor: string;
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined } | undefined,
  ) => StandardResult<Output> | Promise<StandardResult<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** The Standard JSON Schema converter (zod 4, arktype; valibot through `toStandardJsonSchema`). */
  readonly jsonSchema?: StandardJSONSchemaConverter | undefined;
}

export interface StandardJSONSchemaConverter {
  readonly input: (options: {
    readonly target: 'draft-2020-12' | 'draft-07' | 'openapi-3.0' | (string & {});
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }) => Record<string, unknown>;
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What the schema accepts (the JSON the model writes): partial values are `DeepPartial` of it. */
export type SchemaInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
/** What validation returns (zod transforms applied). */
export type SchemaOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
