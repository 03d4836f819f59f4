import * as v from 'valibot';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
const User = v.object({ name: v.string(), email: v.pipe(v.string(), v.email()), twitter: v.pipe(v.string(), v.metadata({ 'x-partial': 'atomic' })) });
const M = v.object({ users: v.array(User), date: v.pipe(v.string(), v.isoDate()), location: v.string(), budget: v.pipe(v.number(), v.integer()), deadline: v.pipe(v.string(), v.isoDate()), kind: v.picklist(['a','b']),
  ev: v.variant('kind', [v.object({ kind: v.literal('x'), a: v.string() }), v.object({ kind: v.literal('y'), b: v.number() })]) });
const S = toStandardJsonSchema(M);
console.log(Object.keys(S['~standard']), S['~standard'].vendor);
console.log(JSON.stringify(S['~standard'].jsonSchema.input({ target: 'draft-2020-12' }), null, 1));
const AU = type({ name: 'string', email: 'string.email', twitter: type('string').configure({ 'x-partial': 'atomic' }) });
const A = type({ users: AU.array(), date: 'string.date.iso', location: 'string', budget: 'number.integer', deadline: 'string.date.iso', kind: "'a'|'b'", ev: type({ kind: "'x'", a: 'string' }).or({ kind: "'y'", b: 'number' }) });
console.log(Object.keys(A['~standard']), A['~standard'].vendor);
console.log(JSON.stringify(A['~standard'].jsonSchema.input({ target: 'draft-2020-12' }), null, 1));
console.log(JSON.stringify(A['~standard'].validate({users:[{name:1}]})));
console.log(JSON.stringify(S['~standard'].validate({users:[{name:1}]})));
