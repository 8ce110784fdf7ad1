import { describe, expect, it } from 'vitest'
import { checkDaemonUrl, effectiveSettings, readManaged } from '../../../extension/utils/settings.ts'

describe('checkDaemonUrl', () => {
  it.each([
    ['https://trainproof.corp.example:7878/', 'https://trainproof.corp.example:7878'],
    ['https://trainproof.corp.example/sub/path/', 'https://trainproof.corp.example/sub/path'],
    ['http://127.0.0.1:7878', 'http://127.0.0.1:7878'],
    ['http://localhost:7878', 'http://localhost:7878'],
    ['http://[::1]:7878', 'http://[::1]:7878'],
  ])('accepts %s', (input, expected) => {
    expect(checkDaemonUrl(input)).toBe(expected)
  })

  it.each([
    ['http://trainproof.corp.example:7878', /https:\/\//],
    ['ftp://trainproof.corp.example', /https:\/\//],
    ['trainproof.corp.example', /full URL/],
    ['https://user:pw@trainproof.corp.example', /no user name/],
  ])('refuses %s with a sentence', (input, message) => {
    expect(() => checkDaemonUrl(input)).toThrow(message)
  })
})

describe('effectiveSettings', () => {
  it('uses the person’s own address and allows pasting a token when no policy applies', () => {
    expect(effectiveSettings({}, 'http://127.0.0.1:7878')).toEqual({
      daemonUrl: 'http://127.0.0.1:7878',
      daemonUrlLocked: false,
      signInRequired: false,
      allowTokenPaste: true,
      supportContact: null,
      managed: false,
    })
  })

  it('locks the address policy sets and hides token pasting when sign-in is required', () => {
    const actual = effectiveSettings({ daemonUrl: 'https://tp.corp.example/', signInRequired: true }, 'http://127.0.0.1:7878')

    expect(actual).toMatchObject({ daemonUrl: 'https://tp.corp.example', daemonUrlLocked: true, allowTokenPaste: false, managed: true })
  })

  it('lets policy allow the token fallback next to required sign-in', () => {
    expect(effectiveSettings({ signInRequired: true, allowTokenPaste: true }, 'http://127.0.0.1:7878').allowTokenPaste).toBe(true)
  })

  it('ignores a policy address that would send tokens in clear', () => {
    const actual = effectiveSettings({ daemonUrl: 'http://tp.corp.example' }, 'http://127.0.0.1:7878')

    expect(actual).toMatchObject({ daemonUrl: 'http://127.0.0.1:7878', daemonUrlLocked: false })
  })
})

describe('readManaged', () => {
  it('reads no policy from a managed area that rejects (Firefox without policies.json)', async () => {
    expect(await readManaged({ get: () => Promise.reject(new Error('Managed storage manifest not found')) })).toEqual({})
  })

  it('drops values of the wrong type and keeps the rest', async () => {
    const actual = await readManaged({ get: async () => ({ daemonUrl: 'https://tp.corp.example', signInRequired: 'yes' }) })

    expect(actual).toEqual({
      daemonUrl: 'https://tp.corp.example',
      signInRequired: undefined,
      allowTokenPaste: undefined,
      supportContact: undefined,
    })
  })
})
