from bot.textsplit import split_reply


def test_gmail_style_quote_is_separated() -> None:
    text = "Thanks, can you chase this?\n\nOn Mon, 9 Nov 2026 at 09:12, Housing <h@x.gov.uk> wrote:\n> We are looking into it.\n"
    s = split_reply(text)
    assert s.new == "Thanks, can you chase this?"
    assert "looking into it" in s.quoted


def test_outlook_header_block_is_separated() -> None:
    text = "Any news?\n\nFrom: Planning Team\nSent: 10 November 2026 10:00\nTo: Cllr X\nSubject: RE: site\n\nOld text"
    s = split_reply(text)
    assert s.new == "Any news?"
    assert "Old text" in s.quoted


def test_forwarded_mail_stays_in_new_text() -> None:
    text = "Can you help this resident?\n\n---------- Forwarded message ---------\nFrom: Resident <r@gmail.com>\nDate: Mon\nSubject: bins\nTo: me\n\nMy bins were missed again."
    s = split_reply(text, "Fwd: bins")
    assert "My bins were missed again." in s.new


def test_signature_and_disclaimer_are_separated() -> None:
    text = "Please fix the light.\n\n-- \nCllr Jean Thirkettle\nFenmoor ward\n"
    assert split_reply(text).new == "Please fix the light."
    text2 = "Please fix the light.\nThis email and any attachments are confidential and intended solely for the addressee."
    assert split_reply(text2).new == "Please fix the light."
    text3 = "pls fix light\n\nSent from my iPhone"
    s3 = split_reply(text3)
    assert s3.new == "pls fix light" and "iPhone" in s3.signature
