package fetch

import (
	"context"

	"github.com/pget/pget/planner"
)

// OneOffIndex is the Range.Index that Retry passes to Options.OnRetry: it says the retry is of
// a request outside any plan (the HEAD that plans a download, say), not of a range.
const OneOffIndex = -1

// Retry runs one request outside a plan, such as the HEAD that learns an object's size, with
// the same fault handling as Run: a retryable error (see Retryable) is retried up to
// opts.Retries times with backoff and full jitter, and a call that has not returned after
// opts.StallTimeout is cancelled and retried. Only opts.Retries, StallTimeout, BackoffBase,
// BackoffMax, OnRetry (called with a Range whose Index is OneOffIndex), Sleep and Rand are used. call gets a context that
// ends when its attempt is abandoned; it must return once that context is done.
func Retry(ctx context.Context, opts Options, call func(ctx context.Context) error) error {
	p := newPool(planner.Plan{}, nil, nil, opts)
	return p.retry(ctx, planner.Range{Index: OneOffIndex}, func() (bool, error) { return p.once(ctx, call) })
}

// once makes one attempt of call under the stall watchdog.
func (p *pool) once(ctx context.Context, call func(ctx context.Context) error) (retry bool, err error) {
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wd := startWatchdog(p.opts.StallTimeout, p.after, cancel)
	defer wd.stop()
	p.n.requests.Add(1)
	if err := call(reqCtx); err != nil {
		return classify(ctx, wd, err)
	}
	return false, nil
}
