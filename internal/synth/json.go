package synth

import (
	"time"
	"unicode/utf8"

	"storyline/internal/article"
)

// AppendJSONL appends a as one JSON object and a newline. It is written by
// hand, not with encoding/json, because encoding a million 3 KB articles
// through reflection would take longer than generating them; the field
// names are those of package article's record type.
func AppendJSONL(b []byte, a *article.Article) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, a.ID)
	b = append(b, `,"title":`...)
	b = appendString(b, a.Title)
	b = append(b, `,"text":`...)
	b = appendString(b, a.Text)
	if a.HasDate() {
		b = append(b, `,"date":"`...)
		b = a.Date.AppendFormat(b, time.DateOnly)
		b = append(b, '"')
	}
	b = appendField(b, "url", a.URL)
	b = appendField(b, "source", a.Source)
	b = appendField(b, "lang", a.Lang)
	b = appendField(b, "event", a.Gold.Event)
	b = appendField(b, "topic", a.Gold.Topic)
	b = appendField(b, "storyline", a.Gold.Storyline)
	b = appendField(b, "collection", a.Gold.Collection)
	return append(b, "}\n"...)
}

// appendField appends `,"name":value`, or nothing for an empty value.
func appendField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	return appendString(b, v)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Runs of bytes that need no
// escape are copied at once; invalid UTF-8 becomes U+FFFD, as encoding/json
// does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
