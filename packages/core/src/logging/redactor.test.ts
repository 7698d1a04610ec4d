import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MASKED_PASSWORD, REDACTED, redactJsonText, redactText, registerSecret } from './redactor.js';

const fresh = (prefix = 's') => `${prefix}${randomBytes(6).toString('hex')}`;

describe('redactText', () => {
  it('removes every occurrence of a registered value', () => {
    const secret = fresh();
    registerSecret(secret);
    expect(redactText(`a ${secret} b ${secret}`)).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('ignores values shorter than 4 characters', () => {
    registerSecret('abc');
    expect(redactText('abc abcd')).toBe('abc abcd');
  });

  it('removes the percent-encoded and JSON-escaped forms of a value', () => {
    const secret = `p@ss "w/ord" ${fresh()}`;
    registerSecret(secret);
    expect(redactText(`x=${encodeURIComponent(secret)}`)).toBe(`x=${REDACTED}`);
    expect(redactText(JSON.stringify({ v: secret }))).toBe(`{"v":"${REDACTED}"}`);
  });

  it('removes a longer secret whole when a shorter one is part of it', () => {
    const short = fresh();
    const long = `${short}${fresh()}`;
    registerSecret(short);
    registerSecret(long);
    expect(redactText(long)).toBe(REDACTED);
  });

  it('treats regular-expression characters in a value literally', () => {
    const secret = `a.*b+(c)[d]${fresh()}`;
    registerSecret(secret);
    expect(redactText(`x ${secret} y`)).toBe(`x ${REDACTED} y`);
    expect(redactText('a-b-c-d-e')).toBe('a-b-c-d-e');
  });

  it('masks the password in URL userinfo and keeps the user', () => {
    expect(redactText('connect postgres://loader:hunter22@db.example:5432/dw?sslmode=require')).toBe(
      `connect postgres://loader:${MASKED_PASSWORD}@db.example:5432/dw?sslmode=require`,
    );
    expect(redactText('redis://:topsecret@cache:6379')).toBe(`redis://:${MASKED_PASSWORD}@cache:6379`);
    expect(redactText('https://example.com:8080/path')).toBe('https://example.com:8080/path');
  });

  it('masks the whole password when it holds an unencoded @', () => {
    expect(redactText('postgres://u:p@ss@w0rd@host/db')).toBe(`postgres://u:${MASKED_PASSWORD}@host/db`);
  });

  it('masks password= in keyword/value, JDBC and query-string forms', () => {
    expect(redactText("host=db password=s3cr3t user=x")).toBe(`host=db password=${MASKED_PASSWORD} user=x`);
    expect(redactText("host=db password='a b\\'c' user=x")).toBe(`host=db password=${MASKED_PASSWORD} user=x`);
    expect(redactText('jdbc:postgresql://db/dw?user=x&password=s3cr3t&ssl=true')).toBe(
      `jdbc:postgresql://db/dw?user=x&password=${MASKED_PASSWORD}&ssl=true`,
    );
    expect(redactText('PGPASSWORD=s3cr3t psql')).toBe(`PGPASSWORD=${MASKED_PASSWORD} psql`);
  });
});

describe('redactJsonText', () => {
  it('keeps the line valid JSON when a value appears next to escape sequences', () => {
    const secret = `nab${fresh()}`;
    registerSecret(secret);
    const line = JSON.stringify({ msg: `\n${secret}\t"${secret}"\\${secret}`, other: 'x' });
    const redacted = redactJsonText(line);
    expect(redacted).not.toContain(secret);
    expect(JSON.parse(redacted)).toEqual({ msg: `\n${REDACTED}\t"${REDACTED}"\\${REDACTED}`, other: 'x' });
  });

  it('removes values that JSON has to escape', () => {
    const secret = `q"uo\\te\n${fresh()}`;
    registerSecret(secret);
    const redacted = redactJsonText(JSON.stringify({ msg: `before ${secret} after` }));
    expect(JSON.parse(redacted)).toEqual({ msg: `before ${REDACTED} after` });
  });

  it('does not match a value that starts inside an escape sequence', () => {
    const tail = fresh();
    registerSecret(`0001${tail}`);
    registerSecret(`nab${tail}`);
    // The text holds neither value: only a naive scan of the escaped form would "find" them.
    const line = JSON.stringify({ a: `\u0001${tail}`, b: `\nab${tail}` });
    expect(JSON.parse(redactJsonText(line))).toEqual({ a: `\u0001${tail}`, b: `\nab${tail}` });
  });

  it('masks a URL that follows an escape sequence', () => {
    const line = JSON.stringify({ msg: 'failed:\npostgres://u:after-escape@h/db' });
    expect(JSON.parse(redactJsonText(line))).toEqual({ msg: `failed:\npostgres://u:${MASKED_PASSWORD}@h/db` });
  });

  it('masks URL and password= passwords inside JSON strings', () => {
    const line = JSON.stringify({ msg: 'to postgres://u:pa"ss@h/db with password=x"y z' });
    const redacted = redactJsonText(line);
    expect(JSON.parse(redacted)).toEqual({ msg: `to postgres://u:${MASKED_PASSWORD}@h/db with password=${MASKED_PASSWORD} z` });
  });
});
