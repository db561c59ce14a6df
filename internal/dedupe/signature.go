// Package dedupe finds near-duplicate articles: syndicated wire copies that
// outlets republish with a new intro, a trimmed ending or a few edited words.
// Such copies would otherwise count as independent reports of an event and
// inflate it. Texts are reduced to MinHash signatures over word shingles, and
// an Index finds, among the signatures it holds, the one most similar to a
// new text; locality-sensitive hashing spares it comparing the new text
// with every article held.
package dedupe

import (
	"math"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

const (
	// NumHashes is the number of MinHash values in a Signature. The standard
	// error of the estimated Jaccard similarity is sqrt(J(1-J)/NumHashes),
	// about 0.04 at J = 0.7.
	NumHashes = 128
	// ShingleWords is the number of consecutive words in a shingle. Five
	// words rarely repeat between different articles on one topic, yet an
	// edited word costs only five shingles.
	ShingleWords = 5
)

// A Signature summarises a text for near-duplicate search. Two signatures
// estimate the Jaccard similarity of the texts' shingle sets (Similarity).
// It is a plain value: compare, copy or store it freely.
type Signature struct {
	// Mins holds, for each of NumHashes hash functions, the smallest hash of
	// any shingle of the text.
	Mins [NumHashes]uint32
	// Shingles is the number of shingles the text had; 0 for a text without
	// words, whose signature matches nothing.
	Shingles int
}

// Empty reports whether the text had no words, so that the signature must
// not be matched: two empty signatures would look identical.
func (s *Signature) Empty() bool { return s.Shingles == 0 }

// hashParams holds the multiplier (odd) and offset of each of the NumHashes
// hash functions h_i(x) = a_i*x + b_i mod 2^64, of which the high 32 bits are
// kept. It is computed once from a fixed seed and never written again, so
// signatures are stable across runs and machines.
var hashParams = func() (p [NumHashes][2]uint64) {
	state := uint64(0x5eed_d0c5_1de5_0001)
	for i := range p {
		p[i][0] = splitmix(&state) | 1
		p[i][1] = splitmix(&state)
	}
	return p
}()

func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix64(*state)
}

// mix64 is the splitmix64 finaliser: it spreads every input bit over the
// whole word.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// words hashes the normalised words of text: maximal runs of letters and
// digits, lower-cased. Punctuation, quote styles, case and line breaks
// therefore do not tell copies apart.
func words(text string) []uint64 {
	out := make([]uint64, 0, len(text)/6+1)
	h, inWord := uint64(fnvOffset), false
	end := func() {
		if inWord {
			out = append(out, h)
			h, inWord = fnvOffset, false
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				end()
				continue
			}
			h = (h ^ uint64(c)) * fnvPrime
			inWord = true
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			end()
			continue
		}
		r = unicode.ToLower(r)
		// Hash the rune's code point in up to three bytes: enough for every
		// Unicode letter and cheaper than re-encoding it.
		h = (h ^ uint64(r&0xff)) * fnvPrime
		h = (h ^ uint64(r>>8&0xff)) * fnvPrime
		h = (h ^ uint64(r>>16)) * fnvPrime
		inWord = true
	}
	end()
	return out
}

// SignatureOf computes the MinHash signature of a text's ShingleWords-word
// shingles. A text shorter than one shingle is taken as a single shingle. It
// is pure and allocates one slice of word hashes.
func SignatureOf(text string) Signature {
	ws := words(text)
	// The word hashes are no longer needed once shingled: reuse their slice.
	xs := ws[:0:len(ws)]
	n := shingles(ws, func(x uint64) { xs = append(xs, x) })
	sig := Signature{Shingles: n}
	// This loop is nearly all of the cost. Four hash functions per pass over
	// the shingles keep four independent minima in registers, so the
	// multiplications overlap instead of waiting on one another.
	for i := 0; i < NumHashes; i += 4 {
		p := (*[4][2]uint64)(hashParams[i : i+4])
		m0, m1, m2, m3 := uint64(math.MaxUint32), uint64(math.MaxUint32), uint64(math.MaxUint32), uint64(math.MaxUint32)
		for _, x := range xs {
			m0 = min(m0, (p[0][0]*x+p[0][1])>>32)
			m1 = min(m1, (p[1][0]*x+p[1][1])>>32)
			m2 = min(m2, (p[2][0]*x+p[2][1])>>32)
			m3 = min(m3, (p[3][0]*x+p[3][1])>>32)
		}
		sig.Mins[i], sig.Mins[i+1], sig.Mins[i+2], sig.Mins[i+3] = uint32(m0), uint32(m1), uint32(m2), uint32(m3)
	}
	return sig
}

// shingles calls fn with the hash of every run of ShingleWords consecutive
// word hashes (of all of ws if it is shorter) and returns how many there
// were. Word order within a shingle matters.
func shingles(ws []uint64, fn func(uint64)) int {
	if len(ws) == 0 {
		return 0
	}
	n := max(len(ws)-ShingleWords+1, 1)
	for start := range n {
		var x uint64
		for _, w := range ws[start:min(start+ShingleWords, len(ws))] {
			x = bits.RotateLeft64(x, 23) ^ w
			x *= 0x9e3779b97f4a7c15
		}
		fn(mix64(x))
	}
	return n
}

// Similarity estimates the Jaccard similarity of the shingle sets behind two
// signatures: the share of hash functions whose minima agree. It is 0 when
// either text had no words.
func Similarity(a, b *Signature) float64 {
	if a.Empty() || b.Empty() {
		return 0
	}
	same := 0
	for i := range a.Mins {
		if a.Mins[i] == b.Mins[i] {
			same++
		}
	}
	return float64(same) / NumHashes
}

// ContainmentOf estimates the share of the shorter text's shingles that also
// occur in the longer one, from the estimated Jaccard similarity and the
// shingle counts. It is 0 when either text had no words. Repeated shingles
// within one text count once in the similarity but every time in the counts,
// which lowers the estimate slightly for repetitive texts.
func ContainmentOf(a, b *Signature) float64 {
	j := Similarity(a, b)
	if j == 0 {
		return 0
	}
	inter := j * float64(a.Shingles+b.Shingles) / (1 + j)
	return min(1, inter/float64(min(a.Shingles, b.Shingles)))
}
