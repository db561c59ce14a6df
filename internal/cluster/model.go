package cluster

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
)

// The features of a join decision: what is known of a document and one
// candidate event when the placer decides whether the document reports that
// event. Each is a number the model weighs; their names are the model file's
// contract, so a model trained on other features is refused at load.
const (
	fBody          = iota // TF-IDF cosine of the bodies
	fLead                 // of the headlines and leads
	fNames                // name-IDF cosine of all names
	fPeople               // of the people named
	fPlaces               // of the places
	fOrgs                 // of the organisations
	fGapGiven             // log(1+days apart beyond a day), both dates given
	fUndated              // either side has no date
	fYearsBoth            // both mention years
	fYearsShared          // share of the document's years the event mentions
	fShort                // the document is short (a lead): 1 - min(terms/150, 1)
	fSize                 // log(1+members) of the event
	fBodyMargin           // body cosine minus the best other candidate's
	fNamesMargin          // names cosine minus the best other candidate's
	fBodyShort            // body cosine on a short document
	fBodySize             // body cosine times fSize
	fGapGivenBody         // fGapGiven times the body cosine
	fSizeShort            // fSize on a short document
	fBodyLinked           // body cosine times the event's cohesion: the mean similarity to its members
	fLeadLinked           // lead cosine times the event's lead cohesion
	fCohesion             // how alike the event's members are: 1 for one member
	fNumbersBoth          // both write out figures
	fNumbersShared        // share of the document's figures the event writes too
	numFeatures
)

// FeatureNames names the features, in order.
var FeatureNames = [numFeatures]string{
	"body", "lead", "names", "people", "places", "orgs",
	"gap_given", "undated", "years_both", "years_shared",
	"short", "size", "body_margin", "names_margin", "body_short", "body_size", "gap_given_body", "size_short",
	"body_linked", "lead_linked", "cohesion", "numbers_both", "numbers_shared",
}

// FeatureVector holds the features of one (document, candidate event) pair.
type FeatureVector [numFeatures]float32

// A Model is a logistic regression over the features of a pair: the
// probability that the document reports the candidate event. One decision
// rule, join the likeliest candidate when it is likely enough, holds with
// and without dates and for leads and full texts alike, because what
// changes between them (dates, length) is itself a feature.
type Model struct {
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
	// Scale standardises each feature before it is weighed (x/Scale), so
	// that one regularisation strength suits them all.
	Scale []float64 `json:"scale"`
	// Join is the probability from which a document joins its likeliest
	// candidate rather than starting an event.
	Join float64 `json:"join"`
	// Trained says what the model was trained on, and how to reproduce it.
	Trained string `json:"trained,omitempty"`
}

//go:embed model.json
var defaultModel []byte

// DefaultModel returns the model shipped in the binary.
func DefaultModel() *Model {
	m, err := ParseModel(defaultModel)
	if err != nil {
		panic(fmt.Sprintf("cluster: the embedded model: %v", err))
	}
	return m
}

// ParseModel reads a model from its JSON form.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if !slices.Equal(m.Features, FeatureNames[:]) {
		return nil, fmt.Errorf("model: trained on features %v, this build computes %v", m.Features, FeatureNames)
	}
	if len(m.Weights) != numFeatures || len(m.Scale) != numFeatures {
		return nil, fmt.Errorf("model: %d weights and %d scales for %d features", len(m.Weights), len(m.Scale), numFeatures)
	}
	if m.Join <= 0 || m.Join >= 1 {
		return nil, fmt.Errorf("model: join probability %v not in (0, 1)", m.Join)
	}
	return &m, nil
}

// LoadModel reads a model file written by `storyline train`.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m, err := ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Logit returns the model's log-odds that the pair is one event.
func (m *Model) Logit(x *FeatureVector) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * float64(x[i]) / m.Scale[i]
	}
	return z
}

// Probability returns the model's probability that the pair is one event.
func (m *Model) Probability(x *FeatureVector) float64 { return sigmoid(m.Logit(x)) }

// A Contribution is what one feature added to the log-odds of a join.
type Contribution struct {
	Feature string
	Value   float64
	LogOdds float64
}

// Contributions returns what each feature of a comparison added to its
// log-odds, the bias and the time prior included, largest first.
func (m *Model) Contributions(c Components) []Contribution {
	out := []Contribution{{"bias", 1, m.Bias}}
	if c.Prior != 0 {
		out = append(out, Contribution{"time_prior", c.DaysApart, c.Prior})
	}
	for i, w := range m.Weights {
		if x := float64(c.Features[i]); x != 0 && w != 0 {
			out = append(out, Contribution{FeatureNames[i], x, w * x / m.Scale[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int { return cmp.Compare(math.Abs(b.LogOdds), math.Abs(a.LogOdds)) })
	return out
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
