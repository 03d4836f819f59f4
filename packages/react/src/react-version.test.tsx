import { render, screen } from '@testing-library/react';
import { useState, version } from 'react';
import { version as domVersion } from 'react-dom';
import { describe, expect, it } from 'vitest';

// Each vitest project (react, react-18) says which React major it resolves; this proves the React 18 run
// really renders with React 18, through one copy of React shared by react-dom and Testing Library.
const expected = process.env.PARTIALKIT_REACT_MAJOR;

describe('the React under test', () => {
  it('is the major this project asks for, in react and react-dom alike', () => {
    expect(expected).toMatch(/^1[89]$/);
    expect(version.split('.')[0]).toBe(expected);
    expect(domVersion).toBe(version);
  });

  it('renders hooks through Testing Library with that same copy', () => {
    function Hello() {
      const [name] = useState(`React ${version}`);
      return <p>{name}</p>;
    }
    render(<Hello />);
    expect(screen.getByText(`React ${version}`).tagName).toBe('P');
  });
});
