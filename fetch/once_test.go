package fetch

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pget/pget/planner"
)

func TestRetryOneOff(t *testing.T) {
	calls := 0
	var retried []string
	sl := &sleeps{}
	err := Retry(context.Background(), Options{
		Retries: 5, Sleep: sl.sleep,
		OnRetry: func(r planner.Range, attempt int, err error) {
			retried = append(retried, fmt.Sprintf("%d/%d: %v", r.Index, attempt, err))
		},
	}, func(ctx context.Context) error {
		calls++
		if calls <= 2 {
			return &fakeErr{msg: "503 SlowDown", retry: true}
		}
		return nil
	})
	if err != nil || calls != 3 || len(sl.list()) != 2 {
		t.Fatalf("Retry = %v after %d calls and %d sleeps; want nil after 3 calls, 2 sleeps", err, calls, len(sl.list()))
	}
	if want := "[-1/1: 503 SlowDown -1/2: 503 SlowDown]"; fmt.Sprint(retried) != want {
		t.Errorf("OnRetry calls %v, want %s", retried, want)
	}
}

func TestRetryOneOffFinalAndExhausted(t *testing.T) {
	final := &fakeErr{msg: "403 AccessDenied", retry: false}
	calls := 0
	err := Retry(context.Background(), Options{Retries: 5, Sleep: (&sleeps{}).sleep}, func(context.Context) error {
		calls++
		return final
	})
	if err != final || calls != 1 {
		t.Errorf("final error: Retry = %v after %d calls, want the error itself after 1", err, calls)
	}
	err = Retry(context.Background(), Options{Retries: 2, Sleep: (&sleeps{}).sleep}, func(context.Context) error {
		return &fakeErr{msg: "500 InternalError", retry: true}
	})
	if want := "gave up after 3 attempts: 500 InternalError"; err == nil || err.Error() != want {
		t.Errorf("Retry = %v, want %q", err, want)
	}
}

func TestRetryOneOffStall(t *testing.T) {
	clock := &fakeClock{}
	p := newPool(planner.Plan{}, nil, nil, Options{Retries: 1, StallTimeout: 50 * time.Millisecond, Sleep: (&sleeps{}).sleep})
	p.after = clock.afterFunc
	calls := 0
	err := p.retry(context.Background(), planner.Range{Index: OneOffIndex}, func() (bool, error) {
		return p.once(context.Background(), func(ctx context.Context) error {
			calls++
			if calls == 1 {
				clock.advance(60 * time.Millisecond) // no answer in time
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		})
	})
	if err != nil || calls != 2 {
		t.Fatalf("err = %v after %d calls, want success on the second after a stall", err, calls)
	}
	calls = 0
	err = p.retry(context.Background(), planner.Range{Index: OneOffIndex}, func() (bool, error) {
		return p.once(context.Background(), func(ctx context.Context) error {
			calls++
			clock.advance(60 * time.Millisecond)
			<-ctx.Done()
			return ctx.Err()
		})
	})
	if !errors.Is(err, ErrStalled) || calls != 2 {
		t.Errorf("err = %v after %d calls, want a stall after 2", err, calls)
	}
}
