package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"storyline/internal/article"
)

// A Queue hands articles to workers and a writer elsewhere (storyline serve
// --nats) instead of placing them in this process; queue.Client implements
// it. The server learns that an article was placed from the store, and
// that it was refused from Rejected.
type Queue interface {
	// Enqueue queues the articles, in order, and returns once the queue
	// holds them all.
	Enqueue(ctx context.Context, arts []article.Article) error
	// Rejected tells whether the article with id was dead-lettered, and why.
	Rejected(ctx context.Context, id string) (reason string, found bool, err error)
}

// enqueueTimeout bounds the queuing of one request's articles.
const enqueueTimeout = 30 * time.Second

// queued is one entry of the 202 answer to POST /api/articles. The tracking
// id is the article id: articles are idempotent by id, in the queue and in
// the store, so the id is all there is to follow.
type queued struct {
	Article  string `json:"article"`
	Tracking string `json:"tracking"`
}

// enqueue queues valid articles and answers 202 with their tracking ids.
func (s *server) enqueue(w http.ResponseWriter, r *http.Request, arts []article.Article) {
	// As with the ingester, finish what was begun if the client goes away,
	// but do not wait forever for a queue that does not answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), enqueueTimeout)
	defer cancel()
	if err := s.queue.Enqueue(ctx, arts); err != nil {
		s.logFailure(r, err)
		writeError(w, http.StatusServiceUnavailable, "the queue is unavailable; try again")
		return
	}
	out := make([]queued, len(arts))
	for i, a := range arts {
		out[i] = queued{Article: a.ID, Tracking: a.ID}
	}
	writeJSON(w, http.StatusAccepted, struct {
		Queued []queued `json:"queued"`
	}{out})
}

// articleStatus is the answer of GET /api/articles/{id}/status.
type articleStatus struct {
	Status    string `json:"status"` // queued, placed or rejected
	Event     string `json:"event,omitempty"`
	Storyline string `json:"storyline,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// getStatus says where an article is: placed once it is in the store,
// rejected once it is among the dead letters, queued otherwise. The server
// cannot tell a queued article from one never submitted (the work queue is
// not indexed by article), so any other id is "queued" when a queue is
// configured; without one it is 404.
func (s *server) getStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	a, err := s.st.Article(r.Context(), id)
	if err == nil {
		event := a.Event
		if event == "" && a.DuplicateOf != "" {
			// A duplicate is filed under the event of its original.
			if orig, err := s.st.Article(r.Context(), a.DuplicateOf); err == nil {
				event = orig.Event
			}
		}
		writeJSON(w, http.StatusOK, articleStatus{Status: "placed", Event: event, Storyline: a.Storyline})
		return
	}
	if statusOf(err) != http.StatusNotFound || s.queue == nil {
		s.failure(w, r, "article "+strconv.Quote(id), err)
		return
	}
	reason, found, err := s.queue.Rejected(r.Context(), id)
	switch {
	case err != nil:
		s.logFailure(r, err)
		writeError(w, http.StatusServiceUnavailable, "the queue is unavailable; try again")
	case found:
		writeJSON(w, http.StatusOK, articleStatus{Status: "rejected", Reason: reason})
	default:
		writeJSON(w, http.StatusOK, articleStatus{Status: "queued"})
	}
}
