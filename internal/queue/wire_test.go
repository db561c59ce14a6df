package queue

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/synth"
)

// corpus returns real inputs of every format plus a generated stream.
func corpus(t *testing.T) []article.Article {
	t.Helper()
	var r article.Reader
	arts, _ := r.ReadAll("../article/testdata/mixed", "../../../shared/seeds")
	for a := range synth.Stream(synth.DefaultConfig(300, 5)) {
		arts = append(arts, a)
	}
	if len(arts) < 300 {
		t.Fatalf("corpus of %d articles", len(arts))
	}
	for i := range arts {
		arts[i].Gold = article.Gold{} // not on the wire
	}
	return arts
}

// TestAnalyzedRoundTrip checks that a document survives the wire exactly,
// and so places exactly as the original does.
func TestAnalyzedRoundTrip(t *testing.T) {
	docs := pipeline.AnalyzeAll(corpus(t))
	decoded := make([]analyze.Document, len(docs))
	for i := range docs {
		b, err := EncodeAnalyzed(&docs[i])
		if err != nil {
			t.Fatal(err)
		}
		if decoded[i], err = DecodeAnalyzed(b); err != nil {
			t.Fatalf("%s: %v\n%s", docs[i].Article.ID, err, b)
		}
		if !reflect.DeepEqual(decoded[i], docs[i]) {
			t.Fatalf("%s: decoded document differs:\n got %+v\nwant %+v", docs[i].Article.ID, decoded[i], docs[i])
		}
	}
	place := func(docs []analyze.Document) string {
		p := pipeline.New(pipeline.DefaultConfig())
		for _, d := range docs {
			p.Add(d)
		}
		res := p.Result(pipeline.Options{Explain: true})
		// Summaries are left out: ties between sentences are broken
		// differently from run to run, with the same documents.
		for i := range res.Storylines {
			for j := range res.Storylines[i].Events {
				res.Storylines[i].Events[j].Summary = nil
			}
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if a, b := place(docs), place(docs); a != b {
		t.Fatal("placing the same documents twice differs")
	}
	if a, b := place(docs), place(decoded); a != b {
		t.Error("decoded documents are placed differently from the originals")
	}
}

func TestJobRoundTrip(t *testing.T) {
	for _, a := range corpus(t)[:20] {
		b, err := json.Marshal(ArticleJob(a))
		if err != nil {
			t.Fatal(err)
		}
		j, err := DecodeJob(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := j.Article.article()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("job article differs:\n got %+v\nwant %+v", got, a)
		}
	}
	b, _ := json.Marshal(URLJob(KindFeed, "https://example.com/rss"))
	if j, err := DecodeJob(b); err != nil || j.Kind != KindFeed || j.URL != "https://example.com/rss" {
		t.Errorf("feed job: %+v, %v", j, err)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct{ name, msg, want string }{
		{"not json", `garbage`, "not JSON"},
		{"no version", `{"kind":"page","url":"http://x"}`, "no version"},
		{"other version", `{"v":2,"kind":"page","url":"http://x"}`, "wire version 2"},
		{"other version, other types", `{"v":2,"kind":["page"]}`, "wire version 2"},
		{"unknown kind", `{"v":1,"kind":"video","url":"http://x"}`, "unknown job kind"},
		{"no url", `{"v":1,"kind":"feed"}`, "without a url"},
		{"no article", `{"v":1,"kind":"article"}`, "without an article id"},
		{"bad date", `{"v":1,"kind":"article","article":{"id":"a","date":"yesterday"}}`, "date"},
		{"wrong type", `{"v":1,"kind":"article","article":{"id":7}}`, "malformed"},
	}
	for _, tt := range tests {
		if _, err := DecodeJob([]byte(tt.msg)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: DecodeJob err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
	docs := pipeline.AnalyzeAll(corpus(t)[:1])
	good, _ := EncodeAnalyzed(&docs[0])
	var m map[string]any
	json.Unmarshal(good, &m)
	doc := m["document"].(map[string]any)
	doc["shingles"].(map[string]any)["mins"] = []int{1, 2}
	short, _ := json.Marshal(m)
	analyzed := []struct{ name, msg, want string }{
		{"other version", strings.Replace(string(good), `"v":1`, `"v":2`, 1), "wire version 2"},
		{"no version", strings.Replace(string(good), `"v":1`, `"v":0`, 1), "no version"},
		{"truncated", string(good[:len(good)/2]), "not JSON"},
		{"short signature", string(short), "MinHash"},
		{"no id", `{"v":1,"article":{"title":"x"},"document":{"shingles":{"mins":[]}}}`, "without an id"},
	}
	for _, tt := range analyzed {
		if _, err := DecodeAnalyzed([]byte(tt.msg)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: DecodeAnalyzed err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
