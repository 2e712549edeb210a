/**
 * The Wi-Fi QR code payload phones understand (the "WIFI:" URI scheme of the ZXing format, used by
 * iOS and Android cameras): `WIFI:T:WPA;S:<ssid>;P:<passphrase>;;`, where `\ ; , : "` inside the
 * values are escaped with a backslash.
 */
export function escapeWifiValue(value: string): string {
  return value.replace(/[\\;,:"]/g, (c) => `\\${c}`);
}

export function wifiQrPayload(ssid: string, passphrase: string): string {
  return `WIFI:T:WPA;S:${escapeWifiValue(ssid)};P:${escapeWifiValue(passphrase)};;`;
}
