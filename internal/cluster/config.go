// Package cluster places analysed articles into events, online: each
// document is compared with the few live events an inverted index proposes,
// joins the most similar one when it is similar enough, or starts a new one.
package cluster

// Config holds every threshold and weight of event clustering. The defaults
// were chosen with `storyline eval --sweep` on the development datasets; see
// docs/quality.md for the evidence.
type Config struct {
	// Model decides whether a document joins an event (see Model); nil
	// means the model shipped in the binary.
	Model *Model `json:"-"`
	// Linear replaces the model with the hand-weighted rule below: a
	// weighted sum of similarities times a time factor, against Threshold.
	// It is kept to compare with.
	Linear bool `json:"linear"`
	// Threshold is the similarity a document needs to join an event under
	// the Linear rule.
	Threshold float64 `json:"threshold"`
	// BodyWeight, LeadWeight and EntityWeight mix the three similarities:
	// TF-IDF cosine of the bodies, of the headlines and leads, and the
	// salience-weighted overlap of named entities. They need not sum to 1.
	BodyWeight   float64 `json:"body_weight"`
	LeadWeight   float64 `json:"lead_weight"`
	EntityWeight float64 `json:"entity_weight"`
	// TimeScaleDays is how fast similarity fades with the days between the
	// document's date and the event's when both are known: the score is
	// multiplied by exp(-max(0, Δdays-TimeGraceDays)/TimeScaleDays).
	TimeScaleDays float64 `json:"time_scale_days"`
	// TextTimeScaleDays replaces TimeScaleDays when the document's or the
	// event's date was read from text rather than given with the article.
	TextTimeScaleDays float64 `json:"text_time_scale_days"`
	// NameIDFPower sharpens the inverse document frequency of entity names:
	// 0 weighs all names alike, 1 is plain IDF.
	NameIDFPower float64 `json:"name_idf_power"`
	// TimeGraceDays is the gap that costs nothing: reports of one event
	// appear over a day or two.
	TimeGraceDays float64 `json:"time_grace_days"`
	// MaxCandidates bounds the events fully compared with each document.
	MaxCandidates int `json:"max_candidates"`
	// QueryTerms is how many of a document's highest-weighted terms look up
	// candidate events in the inverted index.
	QueryTerms int `json:"query_terms"`
	// CentroidTerms caps the terms an event centroid keeps.
	CentroidTerms int `json:"centroid_terms"`
	// PostingCap bounds each inverted-index list to its most recent events,
	// so that lookups cost the same however long the stream has run.
	PostingCap int `json:"posting_cap"`
	// IdleArticles is how many articles may pass without an event growing
	// before it leaves the hot index.
	IdleArticles int `json:"idle_articles"`
	// IdleDays does the same in stream time: an event whose latest article
	// is this many days older than the stream's clock leaves the index. The
	// clock is the median date of the latest articles, so one typo'd year
	// or a late straggler does not move it.
	IdleDays float64 `json:"idle_days"`
	// ReviseWindow is how many of the latest documents have their
	// placement decided again, every ReviseEvery placements; a document
	// moves when another event's probability beats its own by
	// ReviseMargin. A window of 0 revises nothing.
	ReviseWindow int     `json:"revise_window"`
	ReviseEvery  int     `json:"revise_every"`
	ReviseMargin float64 `json:"revise_margin"`
}

// DefaultConfig returns the shipped defaults.
func DefaultConfig() Config {
	return Config{
		Threshold:         0.20,
		BodyWeight:        0.5,
		LeadWeight:        0.2,
		EntityWeight:      0.1,
		TimeScaleDays:     3,
		TimeGraceDays:     1,
		TextTimeScaleDays: 60,
		NameIDFPower:      0.5,
		MaxCandidates:     20,
		QueryTerms:        24,
		CentroidTerms:     128,
		PostingCap:        256,
		IdleArticles:      100000,
		IdleDays:          30,
		ReviseWindow:      100,
		ReviseEvery:       50,
		ReviseMargin:      0.1,
	}
}
