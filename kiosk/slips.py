"""Slip QR codes: SVG from `qrcode`, carrying only the join URL."""
import qrcode
import qrcode.image.svg


def qr_svg(url: str) -> str:
    """An SVG QR code of `url` (medium error correction, a quiet zone of two modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode")
