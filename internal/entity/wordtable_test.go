package entity

import (
	"strings"
	"testing"
)

func TestWordKeyAt(t *testing.T) {
	s := "abcdefghijklmnopqrstuvwxyz0123456789"
	for start := 0; start <= len(s); start++ {
		for end := start; end <= len(s); end++ {
			// Also with nothing after the word to read.
			for _, text := range []string{s, s[:end]} {
				k, ok := wordKeyAt(text, start, end)
				want, wantOK := makeWordKey(s[start:end])
				if k != want || ok != wantOK {
					t.Fatalf("wordKeyAt(%q, %d, %d) = %x, %v; want %x, %v", text, start, end, k, ok, want, wantOK)
				}
			}
		}
	}
}

func TestWordTable(t *testing.T) {
	m := map[string]wordFlag{"": 1, "a": 2, "ab": 3, "abcdefgh": 4, "abcdefghijklmnopqrstuvw": 5, "abcdefghijklmnopqrstuvwx": 6, "a\x00": 7}
	tab := newWordTable(m)
	for w, v := range m {
		if got := tab.get(w); got != v {
			t.Errorf("get(%q) = %d, want %d", w, got, v)
		}
		if got := tab.getBytes([]byte(w)); got != v {
			t.Errorf("getBytes(%q) = %d, want %d", w, got, v)
		}
	}
	for _, w := range []string{"b", "abc", "a\x00\x00", "abcdefghijklmnopqrstuvwxy", "\x00"} {
		if got := tab.get(w); got != 0 {
			t.Errorf("get(%q) = %d, want 0", w, got)
		}
	}
}

func TestLowerAll(t *testing.T) {
	title := "Zelensky Visits WASHINGTON"
	sents := []string{"", "İstanbul Straße", "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{ abcdefghijklmnopqrstuvwxyz 0123456789 MIXED case Text!", "\u212aelvin", "héllo WORLD", "x\xffY"}
	var x extractor
	x.lowerAll(title, sents)
	for i, s := range append([]string{title}, sents...) {
		want := strings.ToLower(s)
		if len(want) != len(s) {
			want = ""
		}
		if x.lowers[i] != want {
			t.Errorf("lower of %q = %q, want %q", s, x.lowers[i], want)
		}
	}
}
