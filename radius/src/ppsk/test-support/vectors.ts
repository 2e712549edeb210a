// Known-answer EAPOL-Key message 2/4 vectors produced by other implementations.

/**
 * FreeRADIUS `src/tests/modules/dpsk/data.attrs` (radius.md §3.10), the same constants as
 * api/src/domain/credentials/pmk.test.ts. A Ruckus-style capture: WPA2-PSK, CCMP, descriptor v2.
 */
export const FREERADIUS_DPSK = {
  passphrase: 'Pancakes1124',
  ssid: 'Andrena_39_Lincoln',
  pmk: '44a4f34b6270fccb7dffa8c9e610e3b80f021c8165bcf53c99c3f818167982ab',
  apMac: '34efb6af489e',
  staMac: '8ab3a0ebd5e5',
  anonce: '4df70a4285c5c61f177cdbfc29d7e3cac94167f6101f1bcab420dd50c4f8809d',
  snonce: 'c3bb319516614aacfb44e933bf1671131fb1856e5b2721952d414ce3f5aa312b',
  frame:
    '0203007502010a00100000000000000001c3bb319516614aacfb44e933bf1671131fb1856e5b2721952d414ce3f5aa312b' +
    '000000000000000000000000000000000000000000000000000000000000000035cddcedad0dfb6a12a2eca55c17c323' +
    '001630140100000fac040100000fac040100000fac028c00',
  mic: '35cddcedad0dfb6a12a2eca55c17c323',
  rsnIe: '30140100000fac040100000fac040100000fac028c00',
} as const;

/**
 * iwd `unit/test-eapol.c` (eapol_sm_test_ptk: PMK, addresses; eapol_key_data_3 = message 1 with
 * the ANonce; eapol_key_data_4 = message 2). EAPOL header version 1, Key Length 0, replay counter 0.
 */
export const IWD_PTK = {
  pmk: 'bf9aa3155300125e7a5ebb2a549f8cd4edab8ee12e94bfc24b3357ad049665d9',
  apMac: '24a2e1ec1704',
  staMac: 'a0a8cd1c7ec9',
  anonce: 'c2bb57ab588f92ebbd44e811094f601c087986030c3ac749cc61d63e33832e50',
  snonce: '3289e91565094f329a9cd54a4a090d2cf4344683bf50efee3608b64856800e84',
  frame:
    '0103007502010a000000000000000000003289e91565094f329a9cd54a4a090d2cf4344683bf50efee3608b64856800e84' +
    '0000000000000000000000000000000000000000000000000000000000000000' +
    '01c31b82ff62a379b08dd1fc82c2f768' +
    '001630140100000fac040100000fac040100000fac020000',
  mic: '01c31b82ff62a379b08dd1fc82c2f768',
  rsnIe: '30140100000fac040100000fac040100000fac020000',
} as const;

export const hex = (value: string): Buffer => Buffer.from(value, 'hex');
