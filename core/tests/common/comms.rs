//! PEC receipts built as the regole tecniche (DM 2 novembre 2005) describe
//! them: a multipart message with the `X-Ricevuta` and
//! `X-Riferimento-Message-ID` headers and `daticert.xml` attached in base64.

/// A receipt of `kind` for the message `msgid` (with its angle brackets),
/// certified on `day` (dd/mm/yyyy) at `time` (hh:mm:ss, zone +0100).
pub fn receipt(kind: &str, msgid: &str, day: &str, time: &str, to: &str) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let consegna = if kind == "avvenuta-consegna" {
        format!("<consegna>{}</consegna>", esc(to))
    } else {
        String::new()
    };
    let (errore, esteso) = match kind {
        "errore-consegna" => (
            "no-dest",
            "<errore-esteso>5.1.1 - Casella inesistente</errore-esteso>",
        ),
        "non-accettazione" => (
            "altro",
            "<errore-esteso>Messaggio non conforme</errore-esteso>",
        ),
        _ => ("nessuno", ""),
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<postacert tipo=\"{kind}\" errore=\"{errore}\">\
<intestazione><mittente>segreteria@pec.cittametropolitana.me.it</mittente>\
<destinatari tipo=\"certificato\">{}</destinatari><risposte>segreteria@pec.cittametropolitana.me.it</risposte>\
<oggetto>Convocazione – giornata formativa</oggetto></intestazione>\
<dati><gestore-emittente>Gestore di prova S.p.A.</gestore-emittente>\
<data zona=\"+0100\"><giorno>{day}</giorno><ora>{time}</ora></data>\
<identificativo>opec210.20270305101500.12345.67.1.1@pec.gestore.it</identificativo>\
<msgid>{}</msgid>{consegna}{esteso}</dati></postacert>\n",
        esc(to),
        esc(msgid),
    );
    let subject = match kind {
        "accettazione" => "ACCETTAZIONE",
        "avvenuta-consegna" => "CONSEGNA",
        "errore-consegna" => "AVVISO DI MANCATA CONSEGNA",
        "non-accettazione" => "AVVISO DI NON ACCETTAZIONE",
        "presa-in-carico" => "PRESA IN CARICO",
        "preavviso-errore-consegna" => "AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO",
        _ => "POSTA CERTIFICATA",
    };
    format!(
        "From: posta-certificata@pec.gestore.it\r\nTo: segreteria@pec.cittametropolitana.me.it\r\n\
Subject: {subject}: Convocazione\r\nX-Ricevuta: {kind}\r\nX-Riferimento-Message-ID: {msgid}\r\n\
X-Trasporto: posta-certificata\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
Ricevuta di {kind}\r\n--b1\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\
Content-Disposition: inline; filename=\"daticert.xml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        base64(xml.as_bytes())
    )
    .into_bytes()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
