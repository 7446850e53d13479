"""Regenerate the hand-made REFI-QDA samples in this folder: python tests/data/refi/make_samples.py

The samples imitate what real programs write (see README.md); offsets are computed
here once, so the files themselves are static test data.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent

def u16(text, i):
    return len(text[:i].encode("utf-16-le")) // 2

def sel(text, phrase, utf16=False, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    end = start + len(phrase)
    if utf16:
        return u16(text, start), u16(text, end)
    return start, end

# ---------------------------------------------------------------- NVivo for Windows
nv = ROOT / "nvivo_windows"
(nv / "Sources").mkdir(parents=True, exist_ok=True)
text = ("Interview Delfshaven 😀 juni 2020\r\n"
        "I: Hoe ging het met de voedselpakketten? 🙏\r\n"
        "R: De buren 👍 brachten elke week eten. Ik vertrouw de buurvrouw 💯 volledig.\r\n"
        "I: En de gemeente?\r\n"
        "R: Die kwam pas later 🕐 met steun.\r\n")
guid_src = "6c1f6a2e-4b7d-4d0e-9a3c-2f1b5e8d7a10"
(nv / "Sources" / f"{guid_src}.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
s1 = sel(text, "De buren 👍 brachten elke week eten.", True)
s2 = sel(text, "Ik vertrouw de buurvrouw 💯 volledig.", True)
s3 = sel(text, "Die kwam pas later 🕐 met steun.", True)
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="NVivo voorbeeld" origin="NVivo 12 Windows 12.6.0.959" creationDateTime="2021-02-01T10:00:00Z">
  <Users>
    <User guid="{{a1b2c3d4-0000-4000-8000-000000000001}}" name="Lotte" id="LV"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="0a0b0c0d-0000-4000-8000-0000000000a1" name="Netwerken" isCodable="true" color="#cc6633">
        <Description>Steun van buren en initiatieven.</Description>
        <Code guid="0a0b0c0d-0000-4000-8000-0000000000a2" name="Vertrouwen" isCodable="true" color="#33c"/>
      </Code>
      <Code guid="0a0b0c0d-0000-4000-8000-0000000000a3" name="Gemeente" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{guid_src}" name="Interview Delfshaven" richTextPath="internal://{guid_src}.docx" plainTextPath="internal://{guid_src}.txt" creatingUser="a1b2c3d4-0000-4000-8000-000000000001" creationDateTime="2021-02-01T10:00:00Z">
      <PlainTextSelection guid="11111111-0000-4000-8000-000000000001" name="buren" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="a1b2c3d4-0000-4000-8000-000000000001" creationDateTime="2021-02-01T10:05:00Z">
        <Coding guid="21111111-0000-4000-8000-000000000001" creatingUser="a1b2c3d4-0000-4000-8000-000000000001" creationDateTime="2021-02-01T10:05:00Z">
          <CodeRef targetGUID="0a0b0c0d-0000-4000-8000-0000000000a1"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="11111111-0000-4000-8000-000000000002" name="vertrouwen" startPosition="{s2[0]}" endPosition="{s2[1]}" creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
        <Coding guid="21111111-0000-4000-8000-000000000002" creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
          <CodeRef targetGUID="0A0B0C0D-0000-4000-8000-0000000000A2"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="11111111-0000-4000-8000-000000000003" name="later" startPosition="{s3[0]}" endPosition="{s3[1]}" creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
        <Coding guid="21111111-0000-4000-8000-000000000003" creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
          <CodeRef targetGUID="0a0b0c0d-0000-4000-8000-0000000000a3"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="31111111-0000-4000-8000-000000000001" name="Annotatie" plainTextPath="internal://31111111-0000-4000-8000-000000000001.txt"/>
  </Notes>
  <Links>
    <Link guid="41111111-0000-4000-8000-000000000001" name="annotation" direction="Associative" originGUID="31111111-0000-4000-8000-000000000001" targetGUID="11111111-0000-4000-8000-000000000002"/>
  </Links>
</Project>
'''
(nv / "project.qde").write_text(qde, encoding="utf-8")
(nv / "Sources" / "31111111-0000-4000-8000-000000000001.txt").write_bytes(b"\xef\xbb\xbfBuurvrouw noemt ze bij naam.")
(nv / "Sources" / f"{guid_src}.docx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # rich text we do not read

# ---------------------------------------------------------------- ATLAS.ti
at = ROOT / "atlas"
(at / "Sources").mkdir(parents=True, exist_ok=True)
text = "Interview met Henk.\nHenk: Het buurthuis ging dicht, ik zat alleen.\nHenk: Later kwam Rosa langs met soep.\n"
g = "9E3D2B1A-0000-4000-8000-00000000AA01"
(at / "Sources" / f"{g}.txt").write_text(text, encoding="utf-8")
a1 = sel(text, "Het buurthuis ging dicht, ik zat alleen.")
a2 = sel(text, "Later kwam Rosa langs met soep.")
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="ATLAS.ti voorbeeld" origin="ATLAS.ti 9.1.3">
  <Users><User guid="B0000000-0000-4000-8000-0000000000U1" name="Anna"/></Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-4000-8000-0000000000C1" name="Eenzaamheid" isCodable="true" color="#FF0000"/>
    <Code guid="C0000000-0000-4000-8000-0000000000C2" name="Eenzaamheid" isCodable="true" color="#00FF00"/>
    <Code guid="C0000000-0000-4000-8000-0000000000C3" name="Buurthulp" isCodable="true" color="#0000FF"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="D0000000-0000-4000-8000-0000000000D1" name="leeftijd" typeOfVariable="Integer"/>
    <Variable guid="D0000000-0000-4000-8000-0000000000D2" name="rol" typeOfVariable="Text"/>
  </Variables>
  <Sources>
    <TextSource guid="{g}" name="Henk.txt" plainTextPath="internal://{g}.txt">
      <Description>Telefonisch interview, maart 2021.</Description>
      <PlainTextSelection guid="E0000000-0000-4000-8000-0000000000E1" name="{text[a1[0]:a1[1]]}" startPosition="{a1[0]}" endPosition="{a1[1]}" creatingUser="B0000000-0000-4000-8000-0000000000U1" creationDateTime="2021-03-02T09:00:00+01:00">
        <Description>Kernquote eenzaamheid</Description>
        <Coding guid="F0000000-0000-4000-8000-0000000000F1" creatingUser="B0000000-0000-4000-8000-0000000000U1">
          <CodeRef targetGUID="C0000000-0000-4000-8000-0000000000C1"/>
        </Coding>
        <Coding guid="F0000000-0000-4000-8000-0000000000F2" creatingUser="B0000000-0000-4000-8000-0000000000U1">
          <CodeRef targetGUID="C0000000-0000-4000-8000-0000000000C2"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="E0000000-0000-4000-8000-0000000000E2" name="soep" startPosition="{a2[0]}" endPosition="{a2[1]}" creatingUser="B0000000-0000-4000-8000-0000000000U1">
        <Coding guid="F0000000-0000-4000-8000-0000000000F3">
          <CodeRef targetGUID="C0000000-0000-4000-8000-0000000000C3"/>
        </Coding>
      </PlainTextSelection>
      <VariableValue><VariableRef targetGUID="D0000000-0000-4000-8000-0000000000D1"/><IntegerValue>78</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="D0000000-0000-4000-8000-0000000000D2"/><TextValue>bewoner</TextValue></VariableValue>
    </TextSource>
  </Sources>
</Project>
'''
# ATLAS.ti GUIDs use hex only; fix the illustrative "U1"/"C1" suffixes to hex.
qde = qde.replace("0000000000U1", "00000000000B")
(at / "Project.qde").write_text(qde, encoding="utf-8")

# ---------------------------------------------------------------- MAXQDA / QualCoder-like messy project
mx = ROOT / "messy"
(mx / "sources").mkdir(parents=True, exist_ok=True)
t1 = "R: Ik help in de buurtkeuken. Doe maar, zei de gemeente.\nR: Daarna ging het snel.\n"
t2 = "Notities bij de bijeenkomst van BoTu12.\nWe bespraken de open oproep.\n"
g1, g2, g3, g4 = ("5a000000-0000-4000-8000-000000000001", "5a000000-0000-4000-8000-000000000002",
                  "5a000000-0000-4000-8000-000000000003", "5a000000-0000-4000-8000-000000000004")
(mx / "sources" / f"{g1}.txt").write_text(t1, encoding="utf-8")
(mx / "sources" / "board_2017.txt").write_text(t2, encoding="utf-8")
m1 = sel(t1, "Doe maar, zei de gemeente.")
m2 = sel(t2, "de open oproep")
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Rommelig" origin="MAXQDA 2020 / QualCoder / qc mix">
  <Users>
    <User guid="6b000000-0000-4000-8000-000000000001" name="bram"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="7c000000-0000-4000-8000-000000000001" name="Governance" isCodable="false">
        <Code guid="7c000000-0000-4000-8000-000000000002" name="Vertrouwen in bestuur" isCodable="true" color="#123456">
          <Description>Wat bewoners over de gemeente zeggen.</Description>
        </Code>
      </Code>
      <Code guid="7c000000-0000-4000-8000-000000000003" name="SIBD" isCodable="true" color="not-a-colour"/>
    </Codes>
  </CodeBook>
  <Variables/>
  <Cases>
    <Case guid="8d000000-0000-4000-8000-000000000001" name="Buurtkeuken">
      <Description>Casus buurtkeuken</Description>
      <SourceRef targetGUID="{g1}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{g1}" name="Ineke" plainTextPath="internal://{g1}.txt">
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000001" startPosition="{m1[0]}" endPosition="{m1[1]}" creatingUser="6b000000-0000-4000-8000-000000000001">
        <Coding guid="af000000-0000-4000-8000-000000000001"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000002"/></Coding>
        <NoteRef targetGUID="bf000000-0000-4000-8000-000000000001"/>
      </PlainTextSelection>
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000002" startPosition="500" endPosition="520">
        <Coding guid="af000000-0000-4000-8000-000000000002"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000003" startPosition="3" endPosition="7">
        <Coding guid="af000000-0000-4000-8000-000000000003"><CodeRef targetGUID="7c000000-0000-4000-8000-0000000000ff"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000004" startPosition="x" endPosition="7"/>
    </TextSource>
    <TextSource guid="{g2}" name="Ineke" plainTextPath="board_2017.txt">
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000005" startPosition="{m2[0]}" endPosition="{m2[1]}">
        <Coding guid="af000000-0000-4000-8000-000000000005"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000003"/></Coding>
      </PlainTextSelection>
      <Coding guid="af000000-0000-4000-8000-000000000006"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000001"/></Coding>
    </TextSource>
    <TextSource guid="{g3}" name="Kwijt" plainTextPath="internal://{g3}.txt">
      <PlainTextSelection guid="9e000000-0000-4000-8000-000000000006" startPosition="0" endPosition="3">
        <Coding guid="af000000-0000-4000-8000-000000000007"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000003"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="{g4}" name="Verslag.pdf" path="internal://{g4}.pdf">
      <PDFSelection guid="9e000000-0000-4000-8000-000000000007" page="1" firstX="1" firstY="1" secondX="5" secondY="5">
        <Coding guid="af000000-0000-4000-8000-000000000008"><CodeRef targetGUID="7c000000-0000-4000-8000-000000000003"/></Coding>
      </PDFSelection>
    </PDFSource>
    <TextSource guid="5a000000-0000-4000-8000-000000000005" name="Ingebed">
      <PlainTextContent>Een korte notitie, ingebed in het project.</PlainTextContent>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="bf000000-0000-4000-8000-000000000001" name="memo"><PlainTextContent>Letterlijk citaat van de wethouder?</PlainTextContent></Note>
  </Notes>
  <Sets/>
</Project>
'''
(mx / "maxqda_export.qde").write_text(qde, encoding="utf-8")

# ---------------------------------------------------------------- Taguette codebook with an empty Sets
(ROOT / "taguette.qdc").write_text('''<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4.1">
  <Codes>
    <Code guid="d6c1a9f0-9a2e-4a55-8f0c-3e2b1d4c5a61" name="vertrouwen" isCodable="true" color="#7FB3D5">
      <Description>Vertrouwen tussen bewoners</Description>
    </Code>
    <Code guid="d6c1a9f0-9a2e-4a55-8f0c-3e2b1d4c5a62" name="eenzaamheid" isCodable="true"/>
  </Codes>
  <Sets/>
</CodeBook>
''', encoding="utf-8")
print("ok")
