import qrcode from 'qrcode-generator';
import { useMemo } from 'react';
import { wifiQrPayload } from '../wifi-qr';

// SSIDs and passphrases may hold non-ASCII characters: encode them as UTF-8 bytes.
qrcode.stringToBytes = (s: string) => Array.from(new TextEncoder().encode(s));

/** The network's join code as an SVG image, with a text alternative. */
export function WifiQrCode({ ssid, passphrase, label }: { ssid: string; passphrase: string; label: string }) {
  const src = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(wifiQrPayload(ssid, passphrase), 'Byte');
    qr.make();
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true }))}`;
  }, [ssid, passphrase]);
  return <img className="qr" src={src} alt={label} width={240} height={240} />;
}
