// Expressions and built-in functions, compiled from XML snippets against fixed field values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Scope, Value } from './model.js';
import { compileUserFunction } from './define-function.js';
import { compileExpression, type ExprContext, type UserFunction } from './expressions.js';
import type { FieldDef } from './fields.js';
import { compilePredicate } from './predicates.js';
import type { DataType } from './values.js';
import { parseXml } from './xml.js';

const NO_SCOPE: Scope = { get: () => null, isMissing: () => true, values: () => [] };

function context(fields: Record<string, [DataType, Value]>, functions: Record<string, string> = {}): ExprContext {
  const table = new Map<string, UserFunction>();
  const ctx: ExprContext = {
    field: (name) => {
      const f = fields[name];
      if (f === undefined) throw new Error(`field "${name}" is not declared`);
      const def: FieldDef = { name, dataType: f[0], optype: f[0] === 'string' ? 'categorical' : 'continuous', values: [] };
      return { def, read: () => f[1] };
    },
    func: (name) => {
      const src = functions[name];
      if (src === undefined) return undefined;
      let fn = table.get(name);
      if (fn === undefined) {
        fn = compileUserFunction(parseXml(src), ctx);
        table.set(name, fn);
      }
      return fn;
    },
  };
  return ctx;
}

function evaluate(xml: string, fields: Record<string, [DataType, Value]> = {}, functions: Record<string, string> = {}): Value {
  return compileExpression(parseXml(xml), context(fields, functions)).eval(NO_SCOPE);
}

function apply(fn: string, ...args: string[]): Value {
  return evaluate(`<Apply function="${fn}">${args.join('')}</Apply>`);
}

const c = (v: string | number, type?: DataType): string => `<Constant${type === undefined ? '' : ` dataType="${type}"`}>${v}</Constant>`;

void describe('Apply: arithmetic and numeric functions', () => {
  void it('computes arithmetic, aggregates and rounding', () => {
    assert.equal(apply('+', c(1), c(2)), 3);
    assert.equal(apply('-', c(1), c(2)), -1);
    assert.equal(apply('*', c(3), c(2)), 6);
    assert.equal(apply('/', c(3), c(2)), 1.5);
    assert.equal(apply('min', c(3), c(2), c(5)), 2);
    assert.equal(apply('max', c(3), c(2), c(5)), 5);
    assert.equal(apply('sum', c(3), c(2), c(5)), 10);
    assert.equal(apply('avg', c(3), c(2), c(7)), 4);
    assert.equal(apply('median', c(3), c(1), c(2), c(10)), 2.5);
    assert.equal(apply('product', c(3), c(2), c(5)), 30);
    assert.equal(apply('log10', c(1000)), 3);
    assert.equal(apply('ln', c(1)), 0);
    assert.equal(apply('sqrt', c(16)), 4);
    assert.equal(apply('abs', c(-2.5)), 2.5);
    assert.equal(apply('exp', c(0)), 1);
    assert.equal(apply('pow', c(2), c(10)), 1024);
    assert.equal(apply('threshold', c(3), c(2)), 1);
    assert.equal(apply('threshold', c(2), c(2)), 0);
    assert.equal(apply('floor', c(-1.5)), -2);
    assert.equal(apply('ceil', c(1.2)), 2);
    assert.equal(apply('round', c(2.5)), 3);
    assert.equal(apply('round', c(-2.5)), -2);
    assert.equal(apply('modulo', c(-7), c(3)), 2);
  });

  void it('computes the normal distribution functions accurately', () => {
    assert.ok(Math.abs((apply('stdNormalCDF', c(1.96)) as number) - 0.9750021048517795) < 1e-13);
    assert.ok(Math.abs((apply('stdNormalCDF', c(-3)) as number) - 0.0013498980316301) < 1e-15);
    assert.ok(Math.abs((apply('stdNormalIDF', c(0.975)) as number) - 1.959963984540054) < 1e-12);
    assert.ok(Math.abs((apply('erf', c(0.5)) as number) - 0.5204998778130465) < 1e-14);
  });
});

void describe('Apply: missing values, comparisons, logic, strings, dates', () => {
  const x: Record<string, [DataType, Value]> = { x: ['double', null], s: ['string', 'a b'] };

  void it('makes the result missing when an argument is missing, unless mapMissingTo says otherwise', () => {
    assert.equal(evaluate('<Apply function="+"><FieldRef field="x"/><Constant>1</Constant></Apply>', x), null);
    assert.equal(evaluate('<Apply function="+" mapMissingTo="-1"><FieldRef field="x"/><Constant>1</Constant></Apply>', x), -1);
    assert.equal(evaluate('<FieldRef field="x" mapMissingTo="7"/>', x), 7);
    assert.equal(evaluate('<Apply function="isMissing"><FieldRef field="x"/></Apply>', x), true);
    assert.equal(evaluate('<Apply function="isNotMissing"><FieldRef field="s"/></Apply>', x), true);
    assert.equal(evaluate('<Apply function="if"><Apply function="isMissing"><FieldRef field="x"/></Apply><Constant>1</Constant><Constant>2</Constant></Apply>', x), 1);
    assert.equal(evaluate('<Apply function="if"><FieldRef field="x"/><Constant>1</Constant></Apply>', x), null);
  });

  void it('compares and combines', () => {
    assert.equal(apply('equal', c(1), c('1.0')), true);
    assert.equal(apply('notEqual', c('a'), c('b')), true);
    assert.equal(apply('lessThan', c(1), c(2)), true);
    assert.equal(apply('lessOrEqual', c(2), c(2)), true);
    assert.equal(apply('greaterThan', c('b'), c('a')), true);
    assert.equal(apply('greaterOrEqual', c(1), c(2)), false);
    assert.equal(apply('and', c('true', 'boolean'), c('false', 'boolean')), false);
    assert.equal(apply('or', c('true', 'boolean'), c('false', 'boolean')), true);
    assert.equal(apply('not', c('true', 'boolean')), false);
    assert.equal(apply('isIn', c(2), c(1), c(2), c(3)), true);
    assert.equal(apply('isNotIn', c('z'), c('a'), c('b')), true);
    assert.equal(apply('if', c('false', 'boolean'), c(1), c(2)), 2);
  });

  void it('handles strings', () => {
    assert.equal(apply('uppercase', c('abc')), 'ABC');
    assert.equal(apply('lowercase', c('AbC')), 'abc');
    assert.equal(apply('substring', c('abcdef'), c(2), c(3)), 'bcd');
    assert.equal(evaluate('<Apply function="trimBlanks"><Constant dataType="string">  a b  </Constant></Apply>'), 'a b');
    assert.equal(apply('concat', c('a'), c(1), c('b')), 'a1b');
    assert.equal(apply('replace', c('BBBB'), c('B+'), c('c')), 'c');
    assert.equal(apply('matches', c('Ford Focus'), c('^Ford')), true);
    assert.equal(apply('formatNumber', c(2.25), c('%3.1f')), '2.3');
    assert.equal(apply('formatNumber', c(7), c('%05d')), '00007');
  });

  void it('handles dates', () => {
    assert.equal(apply('dateDaysSinceYear', c('2003-04-01', 'date'), c(1960)), 15796);
    assert.equal(apply('dateSecondsSinceYear', c('1960-01-01T00:00:03', 'dateTime'), c(1960)), 3);
    assert.equal(apply('dateSecondsSinceMidnight', c('2012-01-01T19:30:27', 'dateTime')), 70227);
    assert.equal(apply('formatDatetime', c('2004-08-20', 'date'), c('%m/%d/%y')), '08/20/04');
  });

  void it('calls DefineFunction functions with their parameters only', () => {
    const area = '<DefineFunction name="area" optype="continuous" dataType="double"><ParameterField name="r"/><Apply function="*"><Constant>3</Constant><Apply function="*"><FieldRef field="r"/><FieldRef field="r"/></Apply></Apply></DefineFunction>';
    assert.equal(evaluate('<Apply function="area"><Constant>2</Constant></Apply>', {}, { area }), 12);
    assert.throws(() => evaluate('<Apply function="nope"><Constant>2</Constant></Apply>'), /unknown function "nope"/);
  });
});

void describe('normalization and mapping expressions', () => {
  const norm = (outliers: string, x: number): Value =>
    evaluate(`<NormContinuous field="x" outliers="${outliers}"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/><LinearNorm orig="20" norm="3"/></NormContinuous>`, { x: ['double', x] });

  void it('NormContinuous interpolates piecewise and treats outliers', () => {
    assert.equal(norm('asIs', 5), 0.5);
    assert.equal(norm('asIs', 15), 2);
    assert.equal(norm('asIs', 30), 5);
    assert.equal(norm('asIs', -10), -1);
    assert.equal(norm('asMissingValues', 30), null);
    assert.equal(norm('asExtremeValues', 30), 3);
    assert.equal(norm('asExtremeValues', -1), 0);
    assert.equal(evaluate('<NormContinuous field="x" mapMissingTo="9"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1" norm="1"/></NormContinuous>', { x: ['double', null] }), 9);
  });

  void it('NormDiscrete indicates one category', () => {
    assert.equal(evaluate('<NormDiscrete field="s" value="red"/>', { s: ['string', 'red'] }), 1);
    assert.equal(evaluate('<NormDiscrete field="s" value="red"/>', { s: ['string', 'blue'] }), 0);
    assert.equal(evaluate('<NormDiscrete field="s" value="red" mapMissingTo="0.5"/>', { s: ['string', null] }), 0.5);
  });

  void it('Discretize bins by interval, with default and missing values', () => {
    const d = (x: Value): Value =>
      evaluate(
        `<Discretize field="x" defaultValue="other" mapMissingTo="none" dataType="string">
          <DiscretizeBin binValue="low"><Interval closure="openOpen" rightMargin="5"/></DiscretizeBin>
          <DiscretizeBin binValue="mid"><Interval closure="closedOpen" leftMargin="5" rightMargin="10"/></DiscretizeBin>
        </Discretize>`,
        { x: ['double', x] },
      );
    assert.equal(d(1), 'low');
    assert.equal(d(5), 'mid');
    assert.equal(d(10), 'other');
    assert.equal(d(null), 'none');
  });

  void it('MapValues looks rows up by one or more columns', () => {
    const table = `<InlineTable><row><a>x</a><b>1</b><out>first</out></row><row><a>x</a><b>2</b><out>second</out></row></InlineTable>`;
    const m = (a: Value, b: Value): Value =>
      evaluate(`<MapValues outputColumn="out" defaultValue="none" mapMissingTo="?"><FieldColumnPair field="a" column="a"/><FieldColumnPair field="b" column="b"/>${table}</MapValues>`, {
        a: ['string', a],
        b: ['integer', b],
      });
    assert.equal(m('x', 2), 'second');
    assert.equal(m('x', 3), 'none');
    assert.equal(m(null, 1), '?');
  });
});

void describe('predicates: three-valued logic', () => {
  const fields: Record<string, [DataType, Value]> = { a: ['double', 5], m: ['double', null], s: ['string', 'b c'] };
  const p = (xml: string): boolean | undefined => compilePredicate(parseXml(xml), context(fields))(NO_SCOPE);
  const T = '<True/>';
  const F = '<False/>';
  const U = '<SimplePredicate field="m" operator="equal" value="1"/>';

  void it('evaluates simple predicates, unknown when the field is missing', () => {
    assert.equal(p('<SimplePredicate field="a" operator="lessOrEqual" value="5"/>'), true);
    assert.equal(p('<SimplePredicate field="a" operator="greaterThan" value="5.0"/>'), false);
    assert.equal(p(U), undefined);
    assert.equal(p('<SimplePredicate field="m" operator="isMissing"/>'), true);
    assert.equal(p('<SimplePredicate field="a" operator="isNotMissing"/>'), true);
  });

  void it('combines with and / or / xor / surrogate', () => {
    const compound = (op: string, ...parts: string[]): boolean | undefined => p(`<CompoundPredicate booleanOperator="${op}">${parts.join('')}</CompoundPredicate>`);
    assert.equal(compound('and', T, U), undefined);
    assert.equal(compound('and', F, U), false);
    assert.equal(compound('or', T, U), true);
    assert.equal(compound('or', F, U), undefined);
    assert.equal(compound('xor', T, F), true);
    assert.equal(compound('xor', T, U), undefined);
    assert.equal(compound('surrogate', U, F, T), false);
    assert.equal(compound('surrogate', U, U), undefined);
  });

  void it('reads quoted values of SimpleSetPredicate arrays', () => {
    assert.equal(p('<SimpleSetPredicate field="s" booleanOperator="isIn"><Array type="string">a "b c" d</Array></SimpleSetPredicate>'), true);
    assert.equal(p('<SimpleSetPredicate field="s" booleanOperator="isNotIn"><Array type="string">a "b c"</Array></SimpleSetPredicate>'), false);
    assert.equal(p('<SimpleSetPredicate field="m" booleanOperator="isIn"><Array type="real">1 2</Array></SimpleSetPredicate>'), undefined);
  });
});
